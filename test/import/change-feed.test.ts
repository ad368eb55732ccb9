import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { USAGE_CHANGE_CHANNEL } from '../../src/services/events/usage-changes';
import { importFile } from '../../src/services/import/import-file';
import { writeFeed, type FeedSpec } from './feed';
import { logger, openPortalTestDatabase, type PortalTestDatabase } from './support';

// 2024-03-09 00:00 in New York: three local days (the middle one 23 hours), then a correction of one reading on the
// second day with four readings appended on the fourth.
const MARCH_9 = Date.UTC(2024, 2, 9, 5) / 1000;
const DAYS = 96 + 92 + 96;
const base: FeedSpec = { usagePoints: [1, 2], start: MARCH_9, count: DAYS, value: (u, n) => 100 + ((n * 37 + u) % 50) };
const corrected: FeedSpec = {
  ...base,
  usagePoints: [1],
  count: DAYS + 4,
  value: (u, n) => (n === 100 ? 9999 : base.value(u, n)),
};
const dir = mkdtempSync(join(tmpdir(), 'import-changes-'));

describe('the change feed and its events are written by the load, in its transaction', { timeout: 120_000 }, () => {
  let pdb: PortalTestDatabase;
  let listener: Client;
  const notified: string[] = [];
  before(async () => {
    pdb = await openPortalTestDatabase('changes');
    listener = new Client({ connectionString: pdb.db.url });
    await listener.connect();
    listener.on('notification', (n) => notified.push(n.payload ?? ''));
    await listener.query(`LISTEN ${USAGE_CHANGE_CHANNEL}`);
  });
  after(async () => {
    await listener?.end();
    await pdb?.close();
  });

  const changes = () =>
    pdb.dataSource.query(
      `SELECT c.id::text, c.usage_point_id::text AS point, c.first_day::text, c.last_day::text, c.inserted, c.revised, c.batch_id::text AS batch
         FROM usage_change c JOIN usage_point u ON u.id = c.usage_point_id ORDER BY c.id`,
    ) as Promise<
      {
        id: string;
        point: string;
        first_day: string;
        last_day: string;
        inserted: number;
        revised: number;
        batch: string;
      }[]
    >;
  const events = () =>
    pdb.dataSource.query(
      `SELECT kind, usage_point_id::text AS point, batch_id::text AS batch, payload FROM event_outbox ORDER BY id`,
    ) as Promise<{ kind: string; point: string; batch: string; payload: Record<string, unknown> }[]>;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

  it('a first load: one change per usage point over its local days, a USAGE_LOADED event each, a notification each at commit', async () => {
    const result = await importFile(pdb.dataSource, {
      path: writeFeed(join(dir, 'base.xml'), base),
      source: 'cli',
      logger,
    });
    assert.equal(result.status, 'loaded');
    const rows = await changes();
    assert.deepEqual(
      rows.map(({ first_day, last_day, inserted, revised, batch }) => ({
        first_day,
        last_day,
        inserted,
        revised,
        batch,
      })),
      [1, 2].map(() => ({
        first_day: '2024-03-09',
        last_day: '2024-03-11',
        inserted: DAYS,
        revised: 0,
        batch: result.batchId,
      })),
    );
    assert.deepEqual(
      (await events()).map((e) => e.kind),
      ['USAGE_LOADED', 'USAGE_LOADED'],
    );
    await settle();
    assert.deepEqual(
      notified,
      rows.map((r) => r.id),
    );
  });

  it('a reload of the same data is no change; a correction is one change with its revision and both kinds of event', async () => {
    await importFile(pdb.dataSource, {
      path: writeFeed(join(dir, 'again.xml'), base),
      source: 'cli',
      logger,
      force: true,
    });
    assert.equal((await changes()).length, 2);
    const result = await importFile(pdb.dataSource, {
      path: writeFeed(join(dir, 'corrected.xml'), corrected),
      source: 'cli',
      logger,
    });
    assert.equal(result.status, 'loaded');
    const [change] = (await changes()).slice(2);
    assert.deepEqual(
      [change.first_day, change.last_day, change.inserted, change.revised],
      ['2024-03-10', '2024-03-12', 4, 1],
    );
    const latest = (await events()).slice(2);
    assert.deepEqual(
      latest.map((e) => [e.kind, e.batch, e.payload.changeId, e.payload.inserted, e.payload.revised]),
      [
        ['USAGE_LOADED', result.batchId, change.id, 4, 1],
        ['USAGE_REVISED', result.batchId, change.id, 4, 1],
      ],
    );
    await settle();
    assert.equal(notified.length, 3);
  });

  it('a rejected load writes no change, no usage event (its IMPORT_FAILED only) and sends no notification', async () => {
    const before = [(await changes()).length, (await events()).length, notified.length];
    const whole = readFileSync(writeFeed(join(dir, 'changed.xml'), { ...base, value: () => 7 }), 'utf8');
    const truncated = join(dir, 'truncated.xml');
    writeFileSync(truncated, whole.slice(0, Math.floor(whole.length * 0.8)));
    const result = await importFile(pdb.dataSource, { path: truncated, source: 'cli', logger });
    assert.equal(result.status, 'rejected');
    await settle();
    const usageEvents = (await events()).filter((e) => e.kind !== 'IMPORT_FAILED');
    assert.deepEqual([(await changes()).length, usageEvents.length, notified.length], before);
    const [failed] = (await events()).slice(before[1]);
    assert.deepEqual(
      [failed.kind, failed.batch, failed.payload.file, failed.payload.status],
      ['IMPORT_FAILED', result.batchId, 'truncated.xml', 'rejected'],
    );
  });
});
