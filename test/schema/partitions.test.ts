import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDataSource } from '../../src/db/data-source';
import { Connection } from '../../src/db/pool';
import type { DataSource } from 'typeorm';
import {
  ensureIntervalPartitions,
  intervalPartitionName,
  listIntervalPartitions,
  monthsCovering,
} from '../../src/services/partitions';
import { openSchemaDatabase, seedSeries, type SchemaDatabase, type SeededSeries } from './schema-database';

let schema: SchemaDatabase;
let series: SeededSeries;
before(async () => {
  schema = await openSchemaDatabase();
  await schema.dataSource.runMigrations();
  series = await seedSeries(schema.dataSource);
});
after(async () => {
  await schema?.close();
});

const utc = (iso: string): Date => new Date(iso);

test('months covering a range are UTC calendar months, end exclusive', () => {
  assert.deepEqual(
    monthsCovering(utc('2023-12-31T23:00:00Z'), utc('2024-02-01T00:00:00Z')).map(intervalPartitionName),
    ['interval_reading_y2023m12', 'interval_reading_y2024m01'],
  );
  assert.deepEqual(monthsCovering(utc('2024-02-01T00:00:00Z'), utc('2024-02-01T00:00:00Z')), []);
  assert.throws(() => monthsCovering(utc('1900-01-01T00:00:00Z'), utc('2100-01-01T00:00:00Z')), RangeError);
});

test('creates the partitions of a range once', async () => {
  const { dataSource } = schema;
  const created = await ensureIntervalPartitions(dataSource, utc('2024-01-15T00:00:00Z'), utc('2024-04-01T00:00:00Z'));
  assert.deepEqual(created, ['interval_reading_y2024m01', 'interval_reading_y2024m02', 'interval_reading_y2024m03']);
  assert.deepEqual(
    await ensureIntervalPartitions(dataSource, utc('2024-01-01T00:00:00Z'), utc('2024-04-01T00:00:00Z')),
    [],
  );
  assert.deepEqual(await listIntervalPartitions(dataSource), created);

  const [{ options }] = await dataSource.query(
    `SELECT reloptions AS options FROM pg_class WHERE relname = 'interval_reading_y2024m02'`,
  );
  assert.deepEqual(options, ['fillfactor=90']);
});

test('partition bounds are UTC months whatever the session time zone', async () => {
  const { dataSource } = schema;
  const where = async (start: string): Promise<string> =>
    dataSource.transaction(async (tx) => {
      await tx.query(`SET LOCAL TimeZone = 'America/Los_Angeles'`);
      const [row] = await tx.query(
        `INSERT INTO interval_reading (usage_point_id, meter_reading_id, start, duration, value)
         VALUES ($1, $2, $3, 900, 1) RETURNING tableoid::regclass::text AS partition`,
        [series.usagePointId, series.meterReadingId, start],
      );
      return row.partition;
    });
  assert.equal(await where('2024-01-31T23:45:00Z'), 'interval_reading_y2024m01');
  assert.equal(await where('2024-02-01T00:00:00Z'), 'interval_reading_y2024m02');
  assert.equal(await where('2024-03-31T23:45:00Z'), 'interval_reading_y2024m03');
});

test('a reading for a month without a partition is refused, not parked in a default partition', async () => {
  const { dataSource } = schema;
  await assert.rejects(
    dataSource.query(
      `INSERT INTO interval_reading (usage_point_id, meter_reading_id, start, duration, value) VALUES ($1, $2, $3, 900, 1)`,
      [series.usagePointId, series.meterReadingId, '2024-04-01T00:00:00Z'],
    ),
    /no partition of relation "interval_reading" found for row/,
  );
  const [{ defaults }] = await dataSource.query(
    `SELECT count(*)::int AS defaults FROM pg_partitioned_table WHERE partrelid = 'interval_reading'::regclass
       AND partdefid <> 0`,
  );
  assert.equal(defaults, 0);
});

// Deterministic race: the first creator keeps its transaction open (as a caller does when it passes the client of
// its transaction) until the second is seen waiting. Without the advisory lock the second would not see the uncommitted
// tables, try to create them too, and fail with a duplicate key in pg_type once the first commits.
test('a second connection creating the same partitions waits for the first and then creates none', async () => {
  const { dataSource } = schema;
  const second = createDataSource(schema.db.url);
  await second.initialize();
  const first = await Connection.of(dataSource);
  try {
    const from = utc('2030-01-01T00:00:00Z');
    const to = utc('2030-07-01T00:00:00Z');
    const expected = monthsCovering(from, to).map(intervalPartitionName);
    await first.begin();
    assert.deepEqual(await ensureIntervalPartitions(first.client, from, to), expected);

    const racing = ensureIntervalPartitions(second, from, to);
    for (let waited = 0; ; waited += 20) {
      const [{ waiting }] = await dataSource.query(`SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted`);
      if (waiting > 0) break;
      assert.ok(waited < 5000, 'the second creator never waited for the first');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await first.commit();
    assert.deepEqual(await racing, []);
    assert.deepEqual(
      (await listIntervalPartitions(second)).filter((name) => expected.includes(name)),
      expected,
    );
  } finally {
    first.release();
    await second.destroy();
  }
});

// RETURNING (xmax = 0) is refused on a partitioned table ("cannot retrieve a system column in this context"), so
// the load tells inserts from updates by what existed in the statement's snapshot.
test('the loader upsert inserts, skips unchanged and updates changed rows on the partitioned table', async () => {
  const { dataSource } = schema;
  const upsert = async (value: number, cost: number | null): Promise<string[]> => {
    const rows: { inserted: boolean }[] = await dataSource.query(
      `WITH incoming (usage_point_id, meter_reading_id, start, value, cost) AS (
         VALUES ($1::bigint, $2::bigint, '2024-02-10T08:00:00Z'::timestamptz, $3::bigint, $4::bigint),
                ($1, $2, '2024-02-10T08:15:00Z', 7, NULL)),
       existing AS (
         SELECT r.start FROM interval_reading r JOIN incoming i USING (usage_point_id, meter_reading_id, start)),
       written AS (
         INSERT INTO interval_reading AS r (usage_point_id, meter_reading_id, start, duration, value, cost)
         SELECT usage_point_id, meter_reading_id, start, 900, value, cost FROM incoming
         ON CONFLICT (usage_point_id, meter_reading_id, start) DO UPDATE
            SET value = EXCLUDED.value, cost = EXCLUDED.cost, updated_at = now()
          WHERE (r.value, r.cost) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.cost)
         RETURNING r.start)
       SELECT e.start IS NULL AS inserted FROM written w LEFT JOIN existing e USING (start) ORDER BY w.start`,
      [series.usagePointId, series.meterReadingId, value, cost],
    );
    return rows.map((r) => (r.inserted ? 'inserted' : 'updated'));
  };
  assert.deepEqual(await upsert(500, 42000), ['inserted', 'inserted']);
  assert.deepEqual(await upsert(500, 42000), []);
  assert.deepEqual(await upsert(500, null), ['updated']);
  const [{ value, cost }] = await dataSource.query(
    `SELECT value, cost FROM interval_reading WHERE usage_point_id = $1 AND start = '2024-02-10T08:00:00Z'`,
    [series.usagePointId],
  );
  assert.deepEqual({ value, cost }, { value: '500', cost: null });
});

// interval_reading has no foreign key to meter_reading (migration 1764500000000): triggers on meter_reading keep
// the references whole, and these tests are what shows it.
async function seedReading(dataSource: DataSource, externalId: string): Promise<SeededSeries> {
  const seeded = await seedSeries(dataSource, externalId);
  await dataSource.query(
    `INSERT INTO interval_reading (usage_point_id, meter_reading_id, start, duration, value) VALUES ($1, $2, $3, 900, 1)`,
    [seeded.usagePointId, seeded.meterReadingId, '2024-03-05T00:00:00Z'],
  );
  return seeded;
}

const readingsOf = async (dataSource: DataSource, s: SeededSeries): Promise<number> => {
  const [{ n }] = await dataSource.query(
    `SELECT count(*)::int AS n FROM interval_reading WHERE usage_point_id = $1 AND meter_reading_id = $2`,
    [s.usagePointId, s.meterReadingId],
  );
  return n;
};

test('deleting a meter reading deletes its readings in the partitions, and only those', async () => {
  const { dataSource } = schema;
  const doomed = await seedReading(dataSource, 'up-cascade');
  const kept = await seedReading(dataSource, 'up-kept');
  await dataSource.query(`DELETE FROM meter_reading WHERE id = $1`, [doomed.meterReadingId]);
  assert.equal(await readingsOf(dataSource, doomed), 0);
  assert.equal(await readingsOf(dataSource, kept), 1);
});

test('deleting a usage point deletes the readings of its meter readings', async () => {
  const { dataSource } = schema;
  const doomed = await seedReading(dataSource, 'up-cascade-2');
  await dataSource.query(`DELETE FROM usage_point WHERE id = $1`, [doomed.usagePointId]);
  assert.equal(await readingsOf(dataSource, doomed), 0);
});

test('a meter reading with readings cannot move to another usage point', async () => {
  const { dataSource } = schema;
  const moving = await seedReading(dataSource, 'up-move');
  const [{ id: otherUsagePoint }] = await dataSource.query(
    `INSERT INTO usage_point (source_system, external_id, service_category_kind) VALUES ('test', 'up-move-to', 0) RETURNING id`,
  );
  await assert.rejects(
    dataSource.query(`UPDATE meter_reading SET usage_point_id = $1 WHERE id = $2`, [
      otherUsagePoint,
      moving.meterReadingId,
    ]),
    /has interval readings and cannot move/,
  );
  assert.equal(await readingsOf(dataSource, moving), 1);
});

test("the loader's FOR KEY SHARE lock makes a delete of its meter reading wait for the load to commit", async () => {
  const { dataSource } = schema;
  const series = await seedSeries(dataSource, 'up-locked');
  const load = dataSource.createQueryRunner();
  await load.connect();
  try {
    await load.startTransaction();
    await load.query(`SELECT id FROM meter_reading WHERE id = $1 FOR KEY SHARE`, [series.meterReadingId]);
    let deleted = false;
    const deleting = dataSource
      .query(`DELETE FROM meter_reading WHERE id = $1`, [series.meterReadingId])
      .then(() => (deleted = true));
    // The delete is observed waiting on the load's lock before the load writes its reading.
    for (;;) {
      const [{ waiting }] = await dataSource.query(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM meter_reading%'`,
      );
      if (waiting > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await load.query(
      `INSERT INTO interval_reading (usage_point_id, meter_reading_id, start, duration, value) VALUES ($1, $2, $3, 900, 1)`,
      [series.usagePointId, series.meterReadingId, '2024-03-05T00:00:00Z'],
    );
    assert.equal(deleted, false);
    await load.commitTransaction();
    await deleting;
    assert.equal(await readingsOf(dataSource, series), 0);
  } finally {
    await load.release();
  }
});
