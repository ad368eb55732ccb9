import type { DataSource } from 'typeorm';
import { ESTIMATED_QUALITY_MASK } from '../../../src/entities';
import { ensureIntervalPartitions } from '../../../src/services/partitions';

// Test data written with plain SQL, independent of the loader: customers, accounts, usage points in given zones,
// reading types, meter readings, synthetic interval readings from generate_series, and rollups computed as
// docs/database.md defines them (per local date of each reading's start in the usage point's zone).

let counter = 0;
const next = (prefix: string) => `${prefix}-${(counter += 1)}`;

async function insert(db: DataSource, sql: string, params: unknown[]): Promise<string> {
  const [{ id }] = (await db.query(`${sql} RETURNING id::text AS id`, params)) as { id: string }[];
  return id;
}

export async function seedCustomer(db: DataSource, name: string): Promise<{ customerId: string; accountId: string }> {
  const customerId = await insert(
    db,
    `INSERT INTO customer (source_system, external_id, kind, status, name, email, phone) VALUES ('test', $1, 'residential', 'active', $2, $3, '555-0100')`,
    [next('customer'), name, `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`],
  );
  const accountId = await insert(
    db,
    `INSERT INTO customer_account (source_system, external_id, customer_id, account_number, name, billing_cycle) VALUES ('test', $1, $2, $3, $4, 'monthly')`,
    [next('account'), customerId, next('ACC'), `${name} home`],
  );
  return { customerId, accountId };
}

export async function seedUsagePoint(
  db: DataSource,
  accountId: string | null,
  timeZone: string | null,
): Promise<string> {
  const locationId = await insert(
    db,
    `INSERT INTO service_location (source_system, external_id, street_address, city, time_zone) VALUES ('test', $1, '1 Main St', 'Springfield', $2)`,
    [next('location'), timeZone],
  );
  const usagePointId = await insert(
    db,
    `INSERT INTO usage_point (source_system, external_id, customer_account_id, service_location_id, service_category_kind, status, name, time_zone) VALUES ('test', $1, $2, $3, 0, 1, '1 Main St meter', $4)`,
    [next('usage-point'), accountId, locationId, timeZone],
  );
  await db.query(
    `INSERT INTO meter (source_system, external_id, usage_point_id, serial_number, interval_length) VALUES ('test', $1, $2, $3, 900)`,
    [next('meter'), usagePointId, next('SN')],
  );
  return usagePointId;
}

/** A reading type of 15-minute Wh (ESPI uom 72) in USD with the given flow direction and multiplier. */
export async function seedReadingType(
  db: DataSource,
  flowDirection: number,
  multiplier = 0,
  intervalLength = 900,
): Promise<string> {
  const [{ id }] = (await db.query(
    `INSERT INTO reading_type (accumulation_behaviour, commodity, currency, flow_direction, interval_length, kind, power_of_ten_multiplier, uom)
     VALUES (4, 1, 840, $1, $2, 12, $3, 72)
     ON CONFLICT ON CONSTRAINT uq_reading_type_signature DO UPDATE SET uom = EXCLUDED.uom RETURNING id::text AS id`,
    [flowDirection, intervalLength, multiplier],
  )) as { id: string }[];
  return id;
}

export async function seedMeterReading(db: DataSource, usagePointId: string, readingTypeId: string): Promise<string> {
  return insert(db, `INSERT INTO meter_reading (usage_point_id, reading_type_id, external_id) VALUES ($1, $2, $3)`, [
    usagePointId,
    readingTypeId,
    next('mr'),
  ]);
}

/**
 * Readings every `step` seconds over [from, to): value and cost vary with time (raw integers), every 97th reading
 * is estimated (quality code 8), and readings starting in any of `gaps` are left out.
 */
export async function seedReadings(
  db: DataSource,
  series: { usagePointId: string; meterReadingId: string },
  from: Date,
  to: Date,
  options: { step?: number; seed?: number; gaps?: [Date, Date][] } = {},
): Promise<void> {
  const step = options.step ?? 900;
  await ensureIntervalPartitions(db, from, to);
  const gaps = options.gaps ?? [];
  await db.query(
    `INSERT INTO interval_reading (usage_point_id, meter_reading_id, start, duration, value, cost, quality)
     SELECT $1, $2, s, $5::int, v, v * 13 + 7, CASE WHEN n % 97 = 0 THEN $7::int ELSE 0 END
     FROM generate_series($3::timestamptz, $4::timestamptz - make_interval(secs => $5::int), make_interval(secs => $5::int)) AS s,
       LATERAL (SELECT (extract(epoch FROM s)::bigint / $5::int) AS n) k,
       LATERAL (SELECT ((k.n * 7919 + $6::int) % 1500) + 1 AS v) x
     WHERE NOT EXISTS (SELECT 1 FROM unnest($8::timestamptz[], $9::timestamptz[]) g(lo, hi) WHERE s >= g.lo AND s < g.hi)`,
    [
      series.usagePointId,
      series.meterReadingId,
      from,
      to,
      step,
      options.seed ?? 0,
      1 << 8,
      gaps.map((g) => g[0]),
      gaps.map((g) => g[1]),
    ],
  );
}

/** usage_daily and usage_monthly of a series, from scratch, per docs/database.md. */
export async function seedRollups(db: DataSource, meterReadingId: string): Promise<void> {
  const expected = (lo: string, hi: string) =>
    `CASE WHEN rt.interval_length > 0 THEN (extract(epoch FROM (${hi}) - (${lo})) / rt.interval_length)::int END`;
  const day = `(r.start AT TIME ZONE z.tz)::date`;
  await db.query(
    `INSERT INTO usage_daily (usage_point_id, meter_reading_id, local_date, value_sum, cost_sum, first_start, last_end, readings, estimated, expected)
     SELECT r.usage_point_id, r.meter_reading_id, ${day}, sum(r.value), sum(r.cost), min(r.start),
       max(r.start + r.duration * interval '1 second'), count(*), count(*) FILTER (WHERE r.quality & ${ESTIMATED_QUALITY_MASK} <> 0),
       ${expected(`(${day})::timestamp AT TIME ZONE z.tz`, `(${day} + 1)::timestamp AT TIME ZONE z.tz`)}
     FROM interval_reading r
     JOIN meter_reading m ON m.id = r.meter_reading_id
     JOIN reading_type rt ON rt.id = m.reading_type_id
     JOIN LATERAL (SELECT coalesce(u.time_zone, 'UTC') AS tz FROM usage_point u WHERE u.id = r.usage_point_id) z ON true
     WHERE r.meter_reading_id = $1
     GROUP BY r.usage_point_id, r.meter_reading_id, ${day}, z.tz, rt.interval_length`,
    [meterReadingId],
  );
  await db.query(
    `INSERT INTO usage_monthly (usage_point_id, meter_reading_id, local_month, value_sum, cost_sum, first_start, last_end, readings, estimated, expected)
     SELECT usage_point_id, meter_reading_id, date_trunc('month', local_date)::date, sum(value_sum), sum(cost_sum), min(first_start),
       max(last_end), sum(readings), sum(estimated), NULL
     FROM usage_daily WHERE meter_reading_id = $1 GROUP BY 1, 2, 3`,
    [meterReadingId],
  );
}

/** A customer with one usage point in `timeZone` and a delivered 15-minute series over [from, to), rolled up. */
export async function seedHousehold(
  db: DataSource,
  name: string,
  timeZone: string | null,
  from: Date,
  to: Date,
  options: { seed?: number; gaps?: [Date, Date][] } = {},
): Promise<{ customerId: string; accountId: string; usagePointId: string; meterReadingId: string }> {
  const { customerId, accountId } = await seedCustomer(db, name);
  const usagePointId = await seedUsagePoint(db, accountId, timeZone);
  const meterReadingId = await seedMeterReading(db, usagePointId, await seedReadingType(db, 1));
  await seedReadings(db, { usagePointId, meterReadingId }, from, to, options);
  await seedRollups(db, meterReadingId);
  return { customerId, accountId, usagePointId, meterReadingId };
}

/** A bill with two line items for a usage point. */
export async function seedSummary(db: DataSource, usagePointId: string, start: Date): Promise<string> {
  const summaryId = await insert(
    db,
    `INSERT INTO usage_summary (usage_point_id, billing_period_start, billing_period_duration, bill_last_period, currency,
       overall_consumption_last_period_value, overall_consumption_last_period_multiplier, overall_consumption_last_period_uom)
     VALUES ($1, $2, 2592000, 8512345, 840, 612000, 0, 72)`,
    [usagePointId, start],
  );
  for (const [amount, note] of [
    [7012345, 'Energy charge'],
    [1500000, 'Delivery charge'],
  ] as const) {
    await db.query(
      `INSERT INTO usage_summary_line_item (usage_point_id, usage_summary_id, amount, date_time, note) VALUES ($1, $2, $3, $4, $5)`,
      [usagePointId, summaryId, amount, start, note],
    );
  }
  return summaryId;
}

/** A committed load of one import batch as the change feed records it, with a revision of each reading starting at `starts`. */
export async function seedChange(
  db: DataSource,
  series: { usagePointId: string; meterReadingId: string },
  starts: Date[],
): Promise<void> {
  const batchId = await insert(
    db,
    `INSERT INTO import_batch (source, status, file_name) VALUES ('file', 'loaded', 'correction.xml')`,
    [],
  );
  await db.query(
    `INSERT INTO usage_change (usage_point_id, batch_id, first_day, last_day, window_start, window_end, inserted, revised)
     VALUES ($1, $2, '2024-06-01', '2024-06-01', '2024-06-01T00:00:00Z', '2024-06-02T00:00:00Z', 0, $3)`,
    [series.usagePointId, batchId, starts.length],
  );
  await db.query(
    `INSERT INTO interval_revision (usage_point_id, meter_reading_id, start, batch_id, old_value, new_value, old_cost, new_cost, old_quality, new_quality, reason)
     SELECT $1, $2, s, $3, 1, r.value, NULL, r.cost, 0, r.quality, 'correction'
       FROM unnest($4::timestamptz[]) AS s JOIN interval_reading r ON r.usage_point_id = $1 AND r.meter_reading_id = $2 AND r.start = s`,
    [series.usagePointId, series.meterReadingId, batchId, starts],
  );
}
