import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { fixturesDir } from '../support/paths';
import { startTestSystem, type TestSystem } from '../support/system';

const SAMPLE = join(fixturesDir, 'espi', 'samples', 'test_usage_data.xml');
// From the samples README: 1340 quarter-hours.
const SAMPLE_READINGS = 1340;

const IMPORT = `mutation Import($input: UsageImportStartInput!) {
  usageImportStart(input: $input) {
    jobId
    dryRun { status readings inserted updated unchanged errors }
    userErrors { code field message }
  }
}`;
const EXTRACT = `mutation { odsExtractStart(input: {}) { jobId userErrors { code } } }`;

interface MutationData {
  usageImportStart: { jobId: string | null; dryRun: unknown; userErrors: { code: string; field: string[] }[] };
  odsExtractStart: { jobId: string };
}

describe('admin mutations: usageImportStart and odsExtractStart', { timeout: 180_000 }, () => {
  let t: TestSystem;
  let inbox: string;
  before(async () => {
    inbox = mkdtempSync(join(tmpdir(), 'inbox-'));
    // A scan every minute would race this test for the file: only the mutation should load it here.
    t = await startTestSystem('serve', { INBOX_DIR: inbox, INBOX_SCAN_CRON: '0 0 1 1 *' });
    mkdirSync(join(inbox, 'sub'));
    copyFileSync(SAMPLE, join(inbox, 'sub', 'usage.xml'));
  });
  after(() => t?.stop());

  async function gql(query: string, variables: Record<string, unknown>, token?: string) {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: MutationData; errors?: { extensions: { code: string } }[] };
  }
  const readings = async () =>
    Number((await t.system.database.dataSource.query('SELECT count(*) AS n FROM interval_reading'))[0].n);

  it('is refused to every role but ADMIN', async () => {
    const input = { path: 'sub/usage.xml' };
    assert.equal((await gql(IMPORT, { input })).errors?.[0].extensions.code, 'UNAUTHENTICATED');
    for (const role of [Role.OPS, Role.CSR]) {
      assert.equal((await gql(IMPORT, { input }, await t.token(role))).errors?.[0].extensions.code, 'FORBIDDEN', role);
      assert.equal((await gql(EXTRACT, {}, await t.token(role))).errors?.[0].extensions.code, 'FORBIDDEN', role);
    }
    const customer = await t.token(Role.CUSTOMER, 'Q3VzdG9tZXI6MQ');
    assert.equal((await gql(IMPORT, { input }, customer)).errors?.[0].extensions.code, 'FORBIDDEN');
    assert.equal(await readings(), 0);
  });

  it('answers user errors for files that are missing or outside the inbox', async () => {
    const admin = await t.token(Role.ADMIN);
    for (const [path, code] of [
      ['sub/nope.xml', 'FILE_NOT_FOUND'],
      ['../../etc/passwd', 'OUTSIDE_INBOX'],
      ['/etc/passwd', 'OUTSIDE_INBOX'],
      ['.', 'OUTSIDE_INBOX'],
    ]) {
      const { data, errors } = await gql(IMPORT, { input: { path } }, admin);
      assert.equal(errors, undefined);
      assert.deepEqual(
        data?.usageImportStart.userErrors.map((e) => [e.code, e.field]),
        [[code, ['input', 'path']]],
        path,
      );
      assert.equal(data?.usageImportStart.jobId, null);
    }
  });

  it('dry-runs a file at once without writing, then queues its load', async () => {
    const admin = await t.token(Role.ADMIN);
    const dry = await gql(IMPORT, { input: { path: 'sub/usage.xml', dryRun: true } }, admin);
    assert.equal(dry.errors, undefined, JSON.stringify(dry.errors));
    assert.deepEqual(dry.data?.usageImportStart.dryRun, {
      status: 'dry-run',
      readings: SAMPLE_READINGS,
      inserted: SAMPLE_READINGS,
      updated: 0,
      unchanged: 0,
      errors: [],
    });
    assert.equal(await readings(), 0);

    const queued = await gql(IMPORT, { input: { path: 'sub/usage.xml' } }, admin);
    const jobId = queued.data?.usageImportStart.jobId;
    assert.ok(jobId, JSON.stringify(queued));
    const job = await t.system.queues.imports.getJob(jobId);
    assert.ok(job);
    for (let i = 0; i < 600 && !(await job.isCompleted()) && !(await job.isFailed()); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(await job.isCompleted(), true, `job state: ${await job.getState()} ${job.failedReason ?? ''}`);
    assert.equal(await readings(), SAMPLE_READINGS);
    assert.ok(
      existsSync(join(inbox, 'sub', 'loaded', 'usage.xml')) || existsSync(join(inbox, 'loaded', 'usage.xml')),
      'the loaded file leaves the inbox',
    );
  });

  it('queues an ODS extract', async () => {
    const { data, errors } = await gql(EXTRACT, {}, await t.token(Role.ADMIN));
    assert.equal(errors, undefined, JSON.stringify(errors));
    const job = await t.system.queues['ods-extract'].getJob(data?.odsExtractStart.jobId ?? '');
    assert.equal(job?.name, 'ods-extract');
  });
});
