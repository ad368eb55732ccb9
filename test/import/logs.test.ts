import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import pino from 'pino';
import { Role } from '../../src/auth/roles';
import { postGraphQL } from '../api/support/api-system';
import { describeOnEachQueueBackend } from '../support/queue-backends';
import { startTestSystem, type TestSystem } from '../support/system';
import { feedXml } from './feed';
import { waitFor } from '../support/wait-for';

type Line = Record<string, unknown>;

const START = Date.UTC(2024, 0, 1, 5) / 1000;
const IMPORT = `mutation($path: String!) { usageImportStart(input: { path: $path }) { jobId userErrors { code } } }`;

describeOnEachQueueBackend('import logs', { timeout: 180_000 }, (backend) => {
  let t: TestSystem;
  let inbox: string;
  const lines: Line[] = [];
  before(async () => {
    inbox = mkdtempSync(join(tmpdir(), 'logs-inbox-'));
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
    t = await startTestSystem(
      'serve',
      { INBOX_DIR: inbox, INBOX_SCAN_CRON: '0 0 1 1 *', ...backend.settings('logs') },
      logger,
    );
  });
  after(() => t?.stop());

  async function importThroughApi(name: string, xml: string) {
    writeFileSync(join(inbox, name), xml);
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(Role.ADMIN)}` },
      body: JSON.stringify({ query: IMPORT, variables: { path: name } }),
    });
    const requestId = response.headers.get('x-request-id');
    const jobId = ((await response.json()) as { data: { usageImportStart: { jobId: string } } }).data.usageImportStart
      .jobId;
    assert.ok(requestId && jobId);
    const job = await waitFor(`job ${jobId} to finish`, async () => {
      const found = await t.system.queues.imports.getJob(jobId);
      return found?.finishedOn && found;
    });
    const [batch] = (await t.system.database.dataSource.query(
      `SELECT id::text AS id FROM import_batch WHERE job_id = $1 AND source = 'file'`,
      [jobId],
    )) as { id: string }[];
    return { requestId, jobId, batchId: batch.id, job };
  }

  it('follows one import from the request through its job to its batch', async () => {
    const { requestId, jobId, batchId } = await importThroughApi(
      'good.xml',
      feedXml({ usagePoints: [1], start: START, count: 20, value: () => 2 }),
    );
    const queued = lines.find((l) => l.msg === 'import queued' && l.jobId === jobId);
    assert.equal(queued?.requestId, requestId, 'the request logs the job it queued');
    for (const msg of ['load started', 'file loaded']) {
      const line = lines.find((l) => l.msg === msg && l.jobId === jobId);
      assert.ok(line, msg);
      assert.deepEqual([line.requestId, line.batchId, line.queue], [requestId, batchId, 'imports'], msg);
    }
    // The ops API names the same batch, so a batch id from an alert leads to these lines and back.
    const ops = await postGraphQL(
      `${t.url}/graphql`,
      '{ importBatches(first: 1) { edges { node { batchId job { jobId } } } } }',
      {},
      await t.token(Role.OPS),
    );
    assert.deepEqual((ops.data?.importBatches as { edges: unknown[] }).edges, [{ node: { batchId, job: { jobId } } }]);
  });

  it('logs a rejected file with its batch id', async () => {
    const xml = feedXml({ usagePoints: [2], start: START, count: 20, value: () => 2 });
    const { requestId, jobId, batchId } = await importThroughApi('bad.xml', xml.slice(0, xml.length / 2));
    const rejected = lines.find((l) => l.msg === 'file rejected' && l.jobId === jobId);
    assert.deepEqual([rejected?.requestId, rejected?.batchId], [requestId, batchId]);
  });
});
