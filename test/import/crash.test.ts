import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Client } from 'pg';
import { generateEspiFeed } from '../../bench/espi-parse-generate';
import { importFile } from '../../src/services/import/import-file';
import { startCli, type CliProcess } from '../support/cli-process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { waitFor } from '../support/wait-for';
import { logger, openPortalTestDatabase, type PortalTestDatabase } from './support';

const READINGS = 200_000;

/** The portal's usage data by natural key (ids may differ between databases): counts, exact sums and an md5. */
async function fingerprint(query: (sql: string) => Promise<Record<string, unknown>[]>) {
  const [readings] = await query(
    `SELECT count(*)::int AS n, sum(r.value)::text AS value, sum(r.cost)::text AS cost,
            md5(string_agg(u.external_id || '@' || r.start || '=' || r.value || '/' || coalesce(r.cost, -1) || '/' || r.quality, ','
                ORDER BY u.external_id, r.start)) AS digest
       FROM interval_reading r JOIN usage_point u ON u.id = r.usage_point_id`,
  );
  const [daily] = await query(
    `SELECT count(*)::int AS n, md5(string_agg(u.external_id || '@' || d.local_date || '=' || d.value_sum || '/' || d.readings || '/' || d.expected, ','
                ORDER BY u.external_id, d.local_date)) AS digest
       FROM usage_daily d JOIN usage_point u ON u.id = d.usage_point_id`,
  );
  return { readings, daily };
}

describe('crash safety', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'import-crash-'));
  const file = join(dir, 'large.xml');
  let reference: PortalTestDatabase | undefined;
  let crashed: TestDatabase | undefined;
  let worker: CliProcess | undefined;
  after(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited();
    await reference?.close();
    await crashed?.drop();
  });

  it('a worker SIGKILLed in the middle of a load is restarted, and the database equals an uninterrupted load', async () => {
    await generateEspiFeed(file, READINGS, 2_000);
    reference = await openPortalTestDatabase('crashref');
    const uninterrupted = await importFile(reference.dataSource, { path: file, source: 'file', logger });
    assert.equal(uninterrupted.inserted, READINGS);
    const expected = await fingerprint((sql) => reference!.dataSource.query(sql));

    crashed = await createTestDatabase('crash');
    const inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    const env = {
      DATABASE_URL: crashed.url,
      DATA_DIR: join(dir, 'data'),
      INBOX_DIR: inbox,
      INBOX_SCAN_CRON: '*/1 * * * * *',
    };
    const client = new Client({ connectionString: crashed.url });
    await client.connect();
    try {
      worker = startCli(['worker', '--json'], env);
      await worker.firstJson();
      const inInbox = join(inbox, 'large.xml');
      await import('node:fs/promises').then((fs) => fs.copyFile(file, inInbox));
      utimesSync(inInbox, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));

      // Killed while the readings are being written into interval_reading: the worst moment.
      const started = worker;
      await waitFor('the load to reach the readings upsert', async () => {
        const { rows } = await client.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
             AND (query LIKE 'COPY interval_reading %' OR query LIKE '%INSERT INTO interval_reading%')`,
        );
        return rows.length > 0;
      }).catch((error: Error) => {
        throw new Error(`${error.message}; worker stderr:\n${started.stderr().slice(-2000)}`);
      });
      worker.child.kill('SIGKILL');
      await worker.exited();
      const { rows: during } = await client.query(`SELECT status FROM import_batch`);
      assert.deepEqual(during, [{ status: 'running' }], 'the interrupted attempt is visible');

      worker = startCli(['worker', '--json'], env);
      await worker.firstJson();
      // BullMQ finds the stalled job once its lock expires and runs it again on the new worker.
      await waitFor('the retried load', async () => existsSync(join(inbox, 'loaded', 'large.xml')));
      const { rows: batches } = await client.query(`SELECT status, readings, inserted, updated FROM import_batch`);
      assert.deepEqual(batches, [{ status: 'loaded', readings: READINGS, inserted: READINGS, updated: 0 }]);
      assert.deepEqual(await fingerprint(async (sql) => (await client.query(sql)).rows), expected);
    } finally {
      await client.end();
    }
  });
});
