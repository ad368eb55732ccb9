import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importFile } from '../../src/services/import/import-file';
import type { ImportProgress } from '../../src/services/import/types';
import { openFilesUnder } from '../support/open-files';
import { writeFeed, type FeedSpec } from './feed';
import { logger, openPortalTestDatabase, snapshot, type PortalTestDatabase } from './support';

// A forced reload of the same file skips the blocks whose stored digest is still valid, and must still end with
// exactly the file's readings whatever changed them in between: another file, SQL, a deleted series, a dropped
// partition. Usage points 1 and 2 carry identical readings, so their blocks have the same digest.
const JAN_31 = Date.UTC(2024, 0, 31, 12) / 1000; // 48 readings reach into February: two partitions
const COUNT = 96;
const spec: FeedSpec = {
  usagePoints: [1, 2, 3],
  start: JAN_31,
  count: COUNT,
  value: (u, n) => (u === 3 ? 500 + n : 100 + (n % 7)),
};
const dir = mkdtempSync(join(tmpdir(), 'import-digests-'));
const feed = writeFeed(join(dir, 'feed.xml'), spec);

const readingsOf = (pdb: PortalTestDatabase) =>
  pdb.dataSource.query(
    `SELECT u.external_id, extract(epoch FROM r.start)::int AS start, r.value::int AS value, r.quality
       FROM interval_reading r JOIN usage_point u ON u.id = r.usage_point_id ORDER BY 1, 2`,
  );

describe('forced reload with block digests', { timeout: 120_000 }, () => {
  let pdb: PortalTestDatabase;
  let expected: unknown;
  const force = () => importFile(pdb.dataSource, { path: feed, source: 'cli', force: true, logger });

  before(async () => {
    pdb = await openPortalTestDatabase('digests');
    const first = await importFile(pdb.dataSource, { path: feed, source: 'cli', logger });
    assert.equal(first.inserted, 3 * COUNT);
    assert.equal(first.skippedBlocks, undefined);
    expected = await readingsOf(pdb);
  });
  after(async () => pdb?.close());

  it('stores one digest per block loaded', async () => {
    const rows = await pdb.dataSource.query(
      `SELECT readings, extract(epoch FROM first_start)::int AS first FROM interval_block_digest`,
    );
    assert.deepEqual(rows, Array(3).fill({ readings: COUNT, first: JAN_31 }));
  });

  it('skips every block when nothing changed, and writes nothing', async () => {
    const before = await snapshot(pdb.dataSource);
    const result = await force();
    assert.deepEqual(
      [result.status, result.skippedBlocks, result.readings, result.unchanged, result.inserted, result.updated],
      ['loaded', 3, 3 * COUNT, 3 * COUNT, 0, 0],
    );
    assert.deepEqual(await snapshot(pdb.dataSource), before);
  });

  it('restores a block another file changed: its digest went with the update', async () => {
    const other = writeFeed(join(dir, 'other.xml'), {
      ...spec,
      usagePoints: [3],
      value: (_u, n) => (n % 10 === 0 ? 9 : 500 + n),
    });
    const changed = await importFile(pdb.dataSource, { path: other, source: 'cli', logger });
    assert.equal(changed.updated, Math.ceil(COUNT / 10));
    const result = await force();
    assert.deepEqual(
      [result.skippedBlocks, result.updated, result.unchanged],
      [2, Math.ceil(COUNT / 10), 3 * COUNT - Math.ceil(COUNT / 10)],
    );
    assert.deepEqual(await readingsOf(pdb), expected);
  });

  it('restores readings changed or deleted by SQL', async () => {
    await pdb.dataSource.query(`UPDATE interval_reading SET value = 0 WHERE start = to_timestamp($1)`, [
      JAN_31 + 900 * 5,
    ]);
    await pdb.dataSource.query(`DELETE FROM interval_reading WHERE start = to_timestamp($1)`, [JAN_31 + 900 * 50]);
    const result = await force();
    assert.deepEqual([result.skippedBlocks, result.updated, result.inserted], [0, 3, 3]);
    assert.deepEqual(await readingsOf(pdb), expected);
  });

  it('stages a skipped block whose owner has no digest: the series was deleted and comes back', async () => {
    await pdb.dataSource.query(`DELETE FROM usage_point WHERE external_id LIKE '%/RetailCustomer/2/%'`);
    assert.equal((await pdb.dataSource.query(`SELECT count(*)::int AS n FROM interval_block_digest`))[0].n, 2);
    // Block 2's digest equals block 1's, so the parse skips it; its new meter reading has no digest row.
    const result = await force();
    assert.deepEqual([result.skippedBlocks, result.inserted, result.unchanged], [2, COUNT, 2 * COUNT]);
    assert.deepEqual(await readingsOf(pdb), expected);
  });

  it('stages the blocks of a dropped partition again (no trigger fires on a drop)', async () => {
    await pdb.dataSource.query(`ALTER TABLE interval_reading DETACH PARTITION interval_reading_y2024m01`);
    await pdb.dataSource.query(`DROP TABLE interval_reading_y2024m01`);
    const result = await force();
    assert.deepEqual([result.skippedBlocks, result.inserted, result.unchanged], [0, (COUNT * 3) / 2, (COUNT * 3) / 2]);
    assert.deepEqual(await readingsOf(pdb), expected);
  });

  it('a TRUNCATE of the readings takes every digest with it', async () => {
    await pdb.dataSource.query(`TRUNCATE interval_reading`);
    assert.equal((await pdb.dataSource.query(`SELECT count(*)::int AS n FROM interval_block_digest`))[0].n, 0);
    const result = await force();
    assert.deepEqual([result.skippedBlocks, result.inserted], [0, 3 * COUNT]);
    assert.deepEqual(await readingsOf(pdb), expected);
  });

  it('skips a block of any size, its readings waiting meanwhile in a temporary file that no crash can leave behind', async () => {
    // Nothing is held in memory while a block's digest is computed: its readings wait in the writer's spill, here on
    // disk.
    const tempDir = join(dir, 'spill');
    mkdirSync(tempDir);
    const openSpills = () => openFilesUnder(tempDir);
    const seen: string[][] = [];
    // Reported once the file is parsed and linking begins: the spill holds every reading then.
    const onProgress = (p: ImportProgress) => void (p.phase === 'write' && seen.push(openSpills()));
    const spill = { spillMemoryBytes: 0, tempDir, onProgress };
    const big = writeFeed(join(dir, 'big.xml'), {
      usagePoints: [7],
      start: JAN_31,
      count: 100_100,
      value: (_u, n) => n % 1000,
    });
    assert.equal((await importFile(pdb.dataSource, { path: big, source: 'cli', logger, ...spill })).inserted, 100_100);
    // On disk, and unlinked from the start: a killed process leaves nothing in the temp folder.
    assert.equal(seen.length, 1);
    assert.match(seen[0].join(), /^\/import-readings-\w+\/spill\.bin \(deleted\)$/);
    assert.deepEqual([readdirSync(tempDir), openSpills()], [[], []]);
    const [stored] = await pdb.dataSource.query(
      `SELECT count(DISTINCT start)::int AS n, sum(value)::int AS sum, min(start) AS first FROM interval_reading r
         JOIN usage_point u ON u.id = r.usage_point_id WHERE u.external_id LIKE '%/RetailCustomer/7/%'`,
    );
    // Values n % 1000 for n = 0 … 100 099, a quarter-hour apart from the feed's start.
    assert.deepEqual(stored, { n: 100_100, sum: 100 * 499_500 + 4_950, first: new Date(JAN_31 * 1000) });
    const before = await snapshot(pdb.dataSource, ['interval_reading', 'interval_revision', 'usage_daily']);
    const result = await importFile(pdb.dataSource, { path: big, source: 'cli', force: true, logger, ...spill });
    assert.deepEqual([result.skippedBlocks, result.unchanged, result.inserted, result.updated], [1, 100_100, 0, 0]);
    assert.deepEqual([readdirSync(tempDir), openSpills()], [[], []]);
    assert.deepEqual(await snapshot(pdb.dataSource, ['interval_reading', 'interval_revision', 'usage_daily']), before);
  });
});
