import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importFile } from '../../src/services/import/import-file';
import { writeFeed, type FeedSpec } from './feed';
import { logger, openPortalTestDatabase, snapshot, type PortalTestDatabase } from './support';

// 2024-03-09 00:00 in New York (EST): three local days, the middle one 23 hours long (spring forward).
const MARCH_9 = Date.UTC(2024, 2, 9, 5) / 1000;
const DAYS = 96 + 92 + 96;
const base: FeedSpec = { usagePoints: [1], start: MARCH_9, count: DAYS, value: (u, n) => 100 + ((n * 37 + u) % 50) };
const dir = mkdtempSync(join(tmpdir(), 'import-behaviour-'));
const file = (name: string, spec: FeedSpec) => writeFeed(join(dir, name), spec);

describe('importFile', { timeout: 120_000 }, () => {
  let pdb: PortalTestDatabase;
  before(async () => {
    pdb = await openPortalTestDatabase();
  });
  after(async () => pdb?.close());

  it('names the IANA zone of the LocalTimeParameters and rolls up local days, 92 quarter-hours on spring forward', async () => {
    const result = await importFile(pdb.dataSource, { path: file('base.xml', base), source: 'cli', logger });
    assert.equal(result.status, 'loaded');
    assert.equal(result.inserted, DAYS);
    const [{ time_zone }] = await pdb.dataSource.query(`SELECT time_zone FROM usage_point`);
    assert.equal(time_zone, 'America/New_York');
    const days = await pdb.dataSource.query(
      `SELECT local_date::text AS day, readings, expected, estimated, value_sum::int AS sum FROM usage_daily ORDER BY local_date`,
    );
    const sum = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => base.value(1, from + i)).reduce((a, b) => a + b, 0);
    assert.deepEqual(days, [
      { day: '2024-03-09', readings: 96, expected: 96, estimated: 0, sum: sum(0, 96) },
      { day: '2024-03-10', readings: 92, expected: 92, estimated: 0, sum: sum(96, 188) },
      { day: '2024-03-11', readings: 96, expected: 96, estimated: 0, sum: sum(188, DAYS) },
    ]);
    const [month] = await pdb.dataSource.query(
      `SELECT local_month::text AS month, readings, expected FROM usage_monthly`,
    );
    // March 2024 in New York: 31 days less the lost hour.
    assert.deepEqual(month, { month: '2024-03-01', readings: DAYS, expected: 31 * 96 - 4 });
  });

  // The same series, one value corrected and marked estimated, four more readings appended.
  const corrected: FeedSpec = {
    ...base,
    count: DAYS + 4,
    value: (u, n) => (n === 100 ? 9999 : base.value(u, n)),
    qualities: (_u, n) => (n === 100 ? [8] : []),
  };

  it('dry-run reports what would change and writes nothing', async () => {
    const before = await snapshot(pdb.dataSource, [
      'interval_reading',
      'interval_revision',
      'usage_daily',
      'import_batch',
    ]);
    const result = await importFile(pdb.dataSource, {
      path: file('corrected.xml', corrected),
      source: 'cli',
      dryRun: true,
      logger,
    });
    assert.deepEqual([result.status, result.inserted, result.updated, result.unchanged], ['dry-run', 4, 1, DAYS - 1]);
    assert.equal(result.batchId, null);
    assert.deepEqual(
      await snapshot(pdb.dataSource, ['interval_reading', 'interval_revision', 'usage_daily', 'import_batch']),
      before,
    );
  });

  it('a correction updates the reading, records a revision and refreshes the touched day', async () => {
    const result = await importFile(pdb.dataSource, { path: join(dir, 'corrected.xml'), source: 'file', logger });
    assert.deepEqual([result.status, result.inserted, result.updated, result.unchanged], ['loaded', 4, 1, DAYS - 1]);
    const revisions = await pdb.dataSource.query(
      `SELECT start, old_value::int, new_value::int, old_quality, new_quality, reason, batch_id::text, old_batch_id::text FROM interval_revision`,
    );
    const [{ id: firstBatch }] = await pdb.dataSource.query(`SELECT min(id)::text AS id FROM import_batch`);
    assert.deepEqual(revisions, [
      {
        start: new Date((MARCH_9 + 100 * 900) * 1000),
        old_value: base.value(1, 100),
        new_value: 9999,
        old_quality: 0,
        new_quality: 1 << 8,
        reason: 'correction',
        batch_id: result.batchId,
        old_batch_id: firstBatch,
      },
    ]);
    const [day] = await pdb.dataSource.query(
      `SELECT readings, estimated, value_sum::int AS sum FROM usage_daily WHERE local_date = '2024-03-10'`,
    );
    const expectedSum = Array.from({ length: 92 }, (_, i) => corrected.value(1, 96 + i)).reduce((a, b) => a + b, 0);
    assert.deepEqual(day, { readings: 92, estimated: 1, sum: expectedSum });
    const [{ last }] = await pdb.dataSource.query(
      `SELECT readings AS last FROM usage_daily WHERE local_date = '2024-03-12'`,
    );
    assert.equal(last, 4);
  });

  it('rejects a broken file with its reason and touches nothing else', async () => {
    const whole = readFileSync(join(dir, 'corrected.xml'), 'utf8');
    const broken = join(dir, 'broken.xml');
    writeFileSync(broken, whole.slice(0, Math.floor(whole.length * 0.7)).replace(/<value>9999</, '<value>5<'));
    const tables = ['usage_point', 'interval_reading', 'interval_revision', 'usage_daily', 'usage_monthly'];
    const before = await snapshot(pdb.dataSource, tables);
    const result = await importFile(pdb.dataSource, { path: broken, source: 'file', logger });
    assert.equal(result.status, 'rejected');
    assert.match(result.errors.join('\n'), /xml-truncated/);
    assert.deepEqual(await snapshot(pdb.dataSource, tables), before);
    const [batch] = await pdb.dataSource.query(`SELECT status, errors FROM import_batch WHERE id = $1`, [
      result.batchId,
    ]);
    assert.equal(batch.status, 'rejected');
    assert.match(JSON.stringify(batch.errors), /xml-truncated/);
  });

  it('rejects a reading no column can hold (a tou past smallint, a start past year 294276) with its line, touching nothing', async () => {
    const tables = ['usage_point', 'interval_reading', 'interval_revision', 'usage_daily', 'usage_monthly'];
    const before = await snapshot(pdb.dataSource, tables);
    const whole = readFileSync(file('range.xml', { ...base, usagePoints: [5] }), 'utf8');
    const cases: [RegExp, string, RegExp][] = [
      [
        /<value>/,
        '<tou>40000</tou><value>',
        /reading-out-of-range: tou 40000 \(IntervalReading at line \d+\) does not fit the smallint column/,
      ],
      [
        /<start>\d+</,
        '<start>9224318016000<',
        /reading-out-of-range: start 9224318016000 \(IntervalReading at line \d+\) does not fit the timestamptz column/,
      ],
      [
        /<duration>900</,
        '<duration>2147483648<',
        /reading-out-of-range: duration 2147483648 \(IntervalReading at line \d+\) does not fit the integer column/,
      ],
    ];
    const path = join(dir, 'out-of-range.xml');
    const middle = whole.indexOf('<IntervalReading>', whole.length / 2);
    for (const [field, replacement, reason] of cases) {
      writeFileSync(path, whole.slice(0, middle) + whole.slice(middle).replace(field, replacement));
      const result = await importFile(pdb.dataSource, { path, source: 'file', logger });
      assert.equal(result.status, 'rejected', replacement);
      assert.match(result.errors[0], reason);
      assert.deepEqual(await snapshot(pdb.dataSource, tables), before);
    }
  });

  it('rejects a file that is neither ESPI XML nor a Green Button CSV, saying which it is not', async () => {
    const csv = join(dir, 'usage.csv');
    writeFileSync(csv, 'DATE,TEMPERATURE,HUMIDITY\n2024-01-01,12,0.8\n');
    const result = await importFile(pdb.dataSource, { path: csv, source: 'file', logger });
    assert.equal(result.status, 'rejected');
    assert.match(result.errors[0], /not-green-button-csv/);
    const binary = join(dir, 'usage.bin');
    writeFileSync(binary, Buffer.from([0, 1, 2, 0xff, 0xfe]));
    const rejected = await importFile(pdb.dataSource, { path: binary, source: 'file', logger });
    assert.equal(rejected.status, 'rejected');
    assert.match(rejected.errors[0], /not-utf8/);
  });

  it('loads two files sharing usage points at once without deadlock, and the same file at once only once', async () => {
    const a = file('a.xml', { usagePoints: [10, 11, 12], start: MARCH_9, count: 200, value: () => 1 });
    const b = file('b.xml', { usagePoints: [12, 11, 10], start: MARCH_9 + 100 * 900, count: 200, value: () => 2 });
    const [ra, rb, ra2] = await Promise.all(
      [a, b, a].map((path) => importFile(pdb.dataSource, { path, source: 'file', logger })),
    );
    assert.equal(ra.status, 'loaded');
    assert.equal(rb.status, 'loaded');
    // Whichever of a and b commits second updates the 3 × 100 quarter-hours they share.
    const written = (r: typeof ra) => r.inserted + r.updated;
    assert.equal(written(ra) + written(ra2), 600, 'one of the two loads of a.xml wrote it, the other found it loaded');
    assert.equal(written(rb), 600);
    assert.equal(ra.updated + ra2.updated + rb.updated, 300);
    assert.ok([ra, ra2].some((r) => r.warnings.some((w) => w.startsWith('already loaded'))));
    const [{ n, total }] = await pdb.dataSource.query(
      `SELECT count(*)::int AS n, sum(value)::int AS total FROM interval_reading r JOIN usage_point u ON u.id = r.usage_point_id
        WHERE u.external_id LIKE '/RetailCustomer/1_/UsagePoint/1'`,
    );
    // 300 distinct starts per usage point; the overlap holds whichever file committed last.
    assert.equal(n, 900);
    assert.ok(total === 3 * (100 * 1 + 200 * 2) || total === 3 * (200 * 1 + 100 * 2), `total ${total}`);
  });
});
