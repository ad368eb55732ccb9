import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { INBOX_SCAN } from '../../src/queue/job-data';
import { waitFor } from '../support/wait-for';
import { fixturesDir } from '../support/paths';
import { rawRequest } from '../support/raw-request';
import { startTestSystem, type TestSystem } from '../support/system';

const SAMPLE = readFileSync(join(fixturesDir, 'espi', 'samples', 'test_usage_data.xml'));
// From the samples README: 1340 quarter-hours.
const SAMPLE_READINGS = 1340;
const LIMIT = 1_000_000;

interface Answer {
  status: number;
  body: { error?: string; path?: string; bytes?: number; sha256?: string; jobId?: string | null };
}

const put = async (url: string, body: Buffer | Buffer[], headers: Record<string, string> = {}): Promise<Answer> => {
  const answer = await rawRequest(url, {
    method: 'PUT',
    body,
    headers: { 'content-type': 'application/octet-stream', ...headers },
  });
  return { status: answer.status, body: answer.text ? JSON.parse(answer.text) : {} };
};

// Refusals (roles, names, sizes) are in test/security/inbox-upload.test.ts.
describe('PUT /admin/inbox/:name', { timeout: 180_000 }, () => {
  let t: TestSystem;
  let inbox: string;
  let admin: Record<string, string>;
  before(async () => {
    inbox = join(mkdtempSync(join(tmpdir(), 'upload-')), 'inbox');
    // No scan: only the upload may queue a load here.
    t = await startTestSystem('serve', {
      INBOX_DIR: inbox,
      INBOX_SCAN_CRON: '0 0 1 1 *',
      UPLOAD_MAX_BYTES: String(LIMIT),
    });
    admin = { authorization: `Bearer ${await t.token(Role.ADMIN)}` };
  });
  after(() => t?.stop());

  const at = (name: string, query = '') => `${t.url}/admin/inbox/${name}${query}`;
  async function importStart(path: string, dryRun = false) {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...admin },
      body: JSON.stringify({
        query:
          'mutation($path: String!, $dryRun: Boolean!) { usageImportStart(input: { path: $path, dryRun: $dryRun }) { jobId dryRun { status } userErrors { code } } }',
        variables: { path, dryRun },
      }),
    });
    type Payload = { jobId: string; dryRun: { status: string } | null; userErrors: { code: string }[] };
    return ((await response.json()) as { data: { usageImportStart: Payload } }).data.usageImportStart;
  }
  const readings = async () =>
    Number((await t.system.database.dataSource.query('SELECT count(*) AS n FROM interval_reading'))[0].n);

  it('never replaces a file already there', async () => {
    const first = await put(at('kept.xml', '?import=false'), SAMPLE, admin);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.jobId, null);
    assert.equal(first.body.path, 'held/kept.xml');
    const second = await put(at('kept.xml', '?import=false'), Buffer.from('<other/>'), admin);
    assert.equal(second.status, 409);
    assert.deepEqual(readFileSync(join(inbox, 'held', 'kept.xml')), SAMPLE);
    assert.deepEqual(readdirSync(join(inbox, 'held')), ['kept.xml']);
    assert.equal(await readings(), 0);
  });

  it('stores a streamed upload and queues its import, which loads it', async () => {
    const chunks = Array.from({ length: Math.ceil(SAMPLE.length / 10_000) }, (_, i) =>
      SAMPLE.subarray(i * 10_000, (i + 1) * 10_000),
    );
    const answer = await put(at('usage.xml'), chunks, admin);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.bytes, SAMPLE.length);
    assert.match(answer.body.sha256 ?? '', /^[0-9a-f]{64}$/);
    const job = await t.system.queues.imports.getJob(answer.body.jobId ?? '');
    assert.ok(job, 'the upload answers with its import job');
    for (let i = 0; i < 600 && !(await job.isCompleted()) && !(await job.isFailed()); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(await job.isCompleted(), true, `job state: ${await job.getState()} ${job.failedReason ?? ''}`);
    assert.equal(await readings(), SAMPLE_READINGS);
    const [batch] = await t.system.database.dataSource.query(
      `SELECT source, file_name, checksum, status FROM import_batch`,
    );
    assert.deepEqual(batch, {
      source: 'upload',
      file_name: 'usage.xml',
      checksum: answer.body.sha256,
      status: 'loaded',
    });
    assert.deepEqual(readFileSync(join(inbox, 'loaded', 'usage.xml')), SAMPLE);
  });

  it('?import=false holds the file through inbox scans until usageImportStart loads it', async () => {
    // Older than the scan's settling time, as a file held for a day would be.
    const old = new Date(Date.now() - 3600_000);
    utimesSync(join(inbox, 'held', 'kept.xml'), old, old);
    const scan = await t.system.queues.imports.add(INBOX_SCAN, {});
    await waitFor('the inbox scan', async () => (await scan.isCompleted()) || (await scan.isFailed()), 30_000);
    assert.deepEqual((await t.system.queues.imports.getJob(scan.id ?? ''))?.returnvalue, {
      enqueued: [],
      settling: [],
    });
    assert.deepEqual(readdirSync(join(inbox, 'held')), ['kept.xml']);

    const dryRun = await importStart('held/kept.xml', true);
    assert.equal(dryRun.dryRun?.status, 'dry-run', 'a dry run reads it in place');
    assert.deepEqual(readdirSync(join(inbox, 'held')), ['kept.xml']);
    const data = { usageImportStart: await importStart('held/kept.xml') };
    assert.deepEqual(data.usageImportStart.userErrors, []);
    const job = await t.system.queues.imports.getJob(data.usageImportStart.jobId);
    await waitFor('the load', async () => (await job?.isCompleted()) || (await job?.isFailed()), 60_000);
    assert.equal(await job?.isCompleted(), true, job?.failedReason);
    // The same bytes as usage.xml above: loaded again as a no-op.
    const done = await t.system.queues.imports.getJob(data.usageImportStart.jobId);
    assert.equal((done?.returnvalue as { status: string }).status, 'loaded');
    assert.deepEqual(readdirSync(join(inbox, 'held')), []);
    assert.deepEqual(readFileSync(join(inbox, 'loaded', 'kept.xml')), SAMPLE);
  });

  it('a held file whose name the inbox already has stays held: usageImportStart answers NAME_TAKEN', async () => {
    assert.equal((await put(at('twice.xml', '?import=false'), SAMPLE, admin)).status, 201);
    writeFileSync(join(inbox, 'twice.xml'), '<other/>');
    assert.deepEqual((await importStart('held/twice.xml')).userErrors, [{ code: 'NAME_TAKEN' }]);
    assert.deepEqual(readFileSync(join(inbox, 'held', 'twice.xml')), SAMPLE);
    assert.equal(readFileSync(join(inbox, 'twice.xml'), 'utf8'), '<other/>');
  });
});
