import type { ClientBase } from 'pg';
import { insertDemoBills } from './demo-bills';
import { demoCustomers, type DemoCustomer } from './demo-entities';
import {
  createDemoPriceTables,
  DEMO_FLAT_TARIFF,
  DEMO_GAS_TARIFF,
  DEMO_TOU_TARIFF,
  priceApplies,
  priceTieredReads,
  readDemoTariffs,
} from './demo-tariffs';
import { ensureOdsSchema, ODS_INDEXES_SQL } from './schema';

export interface SeedOptions {
  customers: number;
  days: number;
  /** Exclusive end of the generated reads; default: the start of the current UTC day. */
  end?: Date;
  seed?: number;
  /** Leave an already seeded demo ODS alone (the first start, maybe by two processes at once). */
  ifMissing?: boolean;
}

export interface SeedResult {
  customers: number;
  usagePoints: number;
  channels: number;
  reads: number;
  estimated: number;
  corrected: number;
  gaps: number;
  bills: number;
  from: string;
  to: string;
  ms: number;
}

export const DEFAULT_SEED = { customers: 300, days: 365, seed: 20251 } as const;

// ESPI codes used by the demo (espi.xsd): uom, commodity, QualityOfReading.
const WH = 72;
const THERM = 169;
const ELECTRICITY = 1;
const NATURAL_GAS = 7;
const ESTIMATED = 8;
const VALIDATED = 17;

// Interval reads are generated in SQL, set-based: a year of 15-minute data for hundreds of usage points is millions
// of rows, which row-by-row client inserts would take minutes to send. The load shapes depend only on the local time,
// so they are computed once per (zone, interval, start) into a grid, and each channel scales the grid's curves with
// its own noise, a hash of (channel, time): the same options give the same reads. Arithmetic is float8 (extract()
// would make it numeric, ten times slower).
const noise = (key: string, salt: number, seed = '$1') =>
  `((hashint8extended(${key}, ${seed} + ${salt}) & 1048575)::float8 / 1048576)`;
const bump = (at: number | string, width: number) => `exp(-((l.h - ${at}) * (l.h - ${at})) / ${width})`;
const cooling = `greatest(0, cos(2 * pi() * (l.doy - 200) / 365)) ^ 2`;
const heating = `greatest(0, cos(2 * pi() * (l.doy - 15) / 365))`;

const GRID = `
CREATE TEMP TABLE demo_grid ON COMMIT DROP AS
SELECT z.zone, z.interval_length, s.start, date_part('epoch', s.start)::bigint AS epoch,
       date_part('epoch', s.start)::bigint / 86400 AS day,
       -- Where the tariffs' 12 × 24 schedules look a read's price up: its start in local time.
       l.weekend, l.month, l.hour,
       -- Residential kW: morning and evening peaks (later mornings at weekends), afternoon cooling in summer, heating
       -- mornings and evenings in winter.
       0.35 + 0.6 * ${bump('CASE WHEN l.weekend THEN 9.5 ELSE 7.5 END', 2)} + 1.1 * ${bump(19, 4.5)}
         + 1.8 * ${cooling} * ${bump(16, 12)} + 0.9 * ${heating} * (${bump(7, 4)} + ${bump(20, 6)}) AS home_kw,
       -- Commercial kW: a weekday business-hours plateau with summer cooling; a trickle at night and at weekends.
       4 + CASE WHEN l.weekend THEN 0.25 ELSE 1 END * (18 + 10 * ${cooling})
         / (1 + exp(-(l.h - 7.5) * 2)) / (1 + exp((l.h - 18.5) * 2)) AS business_kw,
       -- Therms per hour: water heating all year, space heating in winter mornings and evenings.
       0.03 + 0.03 * ${bump(7, 2)} + 0.28 * ${heating} * (0.5 + ${bump(7, 5)} + ${bump(19, 8)}) AS gas_therm,
       -- Clear-sky PV output per installed kW: a bell over the seasonal day length around solar noon (standard time).
       greatest(0, sin(pi() * (l.solar_h - 12 + l.day_length / 2) / l.day_length)) ^ 1.3 AS sun
  FROM (SELECT DISTINCT zone, std_offset, interval_length FROM demo_channel) z
 CROSS JOIN LATERAL generate_series($1::timestamptz, $2::timestamptz - make_interval(secs => z.interval_length),
                                    make_interval(secs => z.interval_length)) s(start)
 CROSS JOIN LATERAL (
   SELECT date_part('hour', t) + date_part('minute', t) / 60 + z.interval_length / 7200.0 AS h,
          date_part('doy', t) AS doy, date_part('isodow', t) >= 6 AS weekend,
          date_part('month', t)::int AS month, date_part('hour', t)::int AS hour,
          mod(mod(date_part('epoch', s.start)::bigint + z.std_offset + z.interval_length / 2, 86400) + 86400, 86400) / 3600.0 AS solar_h,
          12 + 2.5 * cos(2 * pi() * (date_part('doy', t) - 172) / 365) AS day_length
     FROM (SELECT s.start AT TIME ZONE z.zone AS t) t
   OFFSET 0) l`;

// Per channel: the grid's curve × size × noise; solar homes net their PV against their load (delivered = what they
// drew, received = what they fed back), with a per-day cloud factor and a small per-interval flicker.
const LOAD = `c.scale * CASE WHEN c.profile = 'commercial' THEN g.business_kw ELSE g.home_kw END * (0.75 + 0.5 * ${noise('c.channel_id * 10000000000 + g.epoch', 0)})`;
const PV = `c.pv_kw * g.sun * (0.2 + 0.8 * ${noise('c.usage_point_id * 100000 + g.day', 1)}) * (0.85 + 0.15 * ${noise('c.usage_point_id * 10000000000 + g.epoch', 2)})`;
const READS = `
INSERT INTO ods.interval_read (channel_id, start, value, cost, received_at)
SELECT channel_id, start, value,
       CASE WHEN role = 'received' THEN NULL ELSE round(value * price)::bigint END,
       least(date_trunc('day', start) + interval '1 day 6 hours', now())
  FROM (
   SELECT c.channel_id, c.role, g.start, p.price,
          round(CASE c.role
                  WHEN 'gas' THEN c.scale * g.gas_therm * (0.8 + 0.4 * ${noise('c.channel_id * 10000000000 + g.epoch', 0)}) * 1000
                  WHEN 'received' THEN greatest(0, ${PV} - ${LOAD}) * 1000
                  WHEN 'delivered' THEN greatest(0, ${LOAD} - ${PV}) * 1000
                  ELSE ${LOAD} * 1000 END
                * c.interval_length / 3600)::bigint AS value
     FROM demo_channel c JOIN demo_grid g USING (zone, interval_length)
     LEFT JOIN demo_price p ON p.tariff = c.tariff AND p.weekend = g.weekend AND p.month = g.month AND p.hour = g.hour
                           AND g.start >= p.valid_from AND g.start < p.valid_to AND p.tier_from = 0
   OFFSET 0) r`;

/**
 * (Re)generates the demo ODS in one transaction: nobody sees it half-made, and the first start seeds exactly once
 * even when two processes start together (the advisory lock). The change sequence is never reset, so a portal that
 * extracted an earlier demo sees the regenerated rows as changes.
 */
export async function seedDemoOds(client: ClientBase, options: SeedOptions): Promise<SeedResult | undefined> {
  const started = Date.now();
  const seed = options.seed ?? DEFAULT_SEED.seed;
  const end = options.end ?? new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
  const from = new Date(end.getTime() - options.days * 86_400_000);
  const customers = demoCustomers(options.customers, seed);
  const tariffs = await readDemoTariffs();
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('usage-portal demo ods'))`);
    await ensureOdsSchema(client);
    if (options.ifMissing && (await client.query('SELECT 1 FROM ods.demo_seed')).rowCount) {
      await client.query('ROLLBACK');
      return undefined;
    }
    await client.query(
      'TRUNCATE ods.bill_line_item, ods.bill, ods.interval_read, ods.channel, ods.usage_point, ods.meter, ods.service_location, ods.account, ods.customer, ods.demo_seed',
    );
    await createDemoPriceTables(client, tariffs);
    await insertEntities(client, customers);
    await client.query(GRID, [from, end]);
    const reads = await insertReads(client, seed);
    const gaps = await punchGaps(client, seed);
    const { estimated, corrected } = await estimateAndCorrect(client, seed);
    await priceTieredReads(client);
    const bills = await insertDemoBills(client, from, end);
    await client.query('INSERT INTO ods.demo_seed (customers, days) VALUES ($1, $2)', [
      options.customers,
      options.days,
    ]);
    const counts = await client.query<{ ups: number; channels: number; reads: number }>(
      `SELECT (SELECT count(*)::int FROM ods.usage_point) AS ups, (SELECT count(*)::int FROM ods.channel) AS channels,
              (SELECT count(*)::int FROM ods.interval_read) AS reads`,
    );
    const row = counts.rows[0];
    if (row.reads !== reads - gaps) throw new Error(`demo ODS: ${row.reads} reads stored, expected ${reads - gaps}`);
    // Statistics before the first extract plans its reads over the new rows: without them (autovacuum comes minutes
    // later) the planner guesses, and the first shards ran three times slower.
    await client.query(
      'ANALYZE ods.bill, ods.bill_line_item, ods.interval_read, ods.channel, ods.usage_point, ods.meter, ods.service_location, ods.account, ods.customer',
    );
    await client.query('COMMIT');
    return {
      customers: customers.length,
      usagePoints: row.ups,
      channels: row.channels,
      reads: row.reads,
      estimated,
      corrected,
      gaps,
      bills,
      from: from.toISOString(),
      to: end.toISOString(),
      ms: Date.now() - started,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Gas on the gas tariff; one home in eight without solar on the flat (block) tariff, the other electricity on time of use. */
function tariffOf(customer: DemoCustomer, kind: 'electricity' | 'gas'): string {
  if (kind === 'gas') return DEMO_GAS_TARIFF;
  return customer.kind === 'residential' && customer.pvKw === 0 && customer.id % 8 === 4
    ? DEMO_FLAT_TARIFF
    : DEMO_TOU_TARIFF;
}

async function insertEntities(client: ClientBase, customers: DemoCustomer[]): Promise<void> {
  const col = <K extends keyof DemoCustomer>(key: K) => customers.map((c) => c[key]);
  const ids = col('id');
  await client.query(
    `INSERT INTO ods.customer (customer_id, kind, name, email, phone) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])`,
    [ids, col('kind'), col('name'), col('email'), col('phone')],
  );
  await client.query(
    `INSERT INTO ods.account (account_id, customer_id, account_number, billing_cycle) SELECT i, i, n, b FROM unnest($1::bigint[], $2::text[], $3::text[]) x(i, n, b)`,
    [ids, col('accountNumber'), col('billingCycle')],
  );
  await client.query(
    `INSERT INTO ods.service_location (location_id, account_id, street_address, city, state, postal_code, time_zone)
     SELECT i, i, s, c, st, p, z FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) x(i, s, c, st, p, z)`,
    [ids, col('street'), col('city'), col('state'), col('postalCode'), col('zone')],
  );
  // Usage point ids: 2c-1 electricity, 2c gas; meters share the usage point's id.
  const ups: { id: number; customer: DemoCustomer; kind: 'electricity' | 'gas'; interval: number }[] = [];
  for (const c of customers) {
    ups.push({ id: 2 * c.id - 1, customer: c, kind: 'electricity', interval: c.electricInterval });
    if (c.gas) ups.push({ id: 2 * c.id, customer: c, kind: 'gas', interval: 3600 });
  }
  await client.query(
    `INSERT INTO ods.meter (meter_id, serial_number, form_number, interval_length) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[])`,
    [
      ups.map((u) => u.id),
      ups.map((u) => `${u.kind === 'gas' ? 'G' : 'E'}${String(u.id).padStart(8, '0')}`),
      ups.map((u) => (u.kind === 'gas' ? 'G4' : '2S')),
      ups.map((u) => u.interval),
    ],
  );
  await client.query(
    `INSERT INTO ods.usage_point (usage_point_id, location_id, meter_id, kind, name, tariff) SELECT u, l, u, k, n, t FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[]) x(u, l, k, n, t)`,
    [
      ups.map((u) => u.id),
      ups.map((u) => u.customer.id),
      ups.map((u) => u.kind),
      ups.map((u) => `${u.customer.street} ${u.kind}`),
      ups.map((u) => tariffOf(u.customer, u.kind)),
    ],
  );
  // Channels: 10·usage point + 1 delivered (or gas), + 9 received (solar only).
  const channels: (string | number)[][] = [];
  for (const u of ups) {
    const c = u.customer;
    if (u.kind === 'gas') channels.push([u.id * 10 + 1, u.id, 1, THERM, -3, 3600, NATURAL_GAS, 'gas', c.kind]);
    else {
      channels.push([
        u.id * 10 + 1,
        u.id,
        1,
        WH,
        0,
        u.interval,
        ELECTRICITY,
        c.pvKw > 0 ? 'delivered' : 'load',
        c.kind,
      ]);
      if (c.pvKw > 0) channels.push([u.id * 10 + 9, u.id, 19, WH, 0, u.interval, ELECTRICITY, 'received', c.kind]);
    }
  }
  const column = (i: number) => channels.map((r) => r[i]);
  await client.query(
    `INSERT INTO ods.channel (channel_id, usage_point_id, flow_direction, uom, power_of_ten, interval_length, commodity)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::smallint[], $4::smallint[], $5::smallint[], $6::int[], $7::smallint[])`,
    [0, 1, 2, 3, 4, 5, 6].map(column),
  );
  const byCustomer = new Map(customers.map((c) => [c.id, c]));
  await client.query(
    `CREATE TEMP TABLE demo_channel ON COMMIT DROP AS
     SELECT ch.channel_id, ch.usage_point_id, ch.interval_length, x.role, x.profile, x.scale, x.pv_kw, l.time_zone AS zone, u.tariff,
            -- Seconds east of UTC in standard time: the sun does not keep daylight time.
            date_part('epoch', timestamp '2001-01-15 12:00' - (timestamp '2001-01-15 12:00' AT TIME ZONE l.time_zone) AT TIME ZONE 'UTC')::int AS std_offset
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[], $5::float8[]) x(channel_id, role, profile, scale, pv_kw)
       JOIN ods.channel ch USING (channel_id)
       JOIN ods.usage_point u USING (usage_point_id)
       JOIN ods.service_location l USING (location_id)`,
    [
      column(0),
      column(7),
      column(8),
      channels.map((r) => (byCustomer.get(Math.ceil(Number(r[1]) / 2)) as DemoCustomer).scale),
      channels.map((r) => (byCustomer.get(Math.ceil(Number(r[1]) / 2)) as DemoCustomer).pvKw),
    ],
  );
}

/** Indexes are dropped for the bulk insert and rebuilt after: one sort is several times cheaper than 10 M inserts. */
async function insertReads(client: ClientBase, seed: number): Promise<number> {
  await client.query(
    'ALTER TABLE ods.interval_read DROP CONSTRAINT interval_read_pkey; DROP INDEX ods.ix_interval_read_change_seq',
  );
  const { rowCount } = await client.query(READS, [seed]);
  await client.query('ALTER TABLE ods.interval_read ADD PRIMARY KEY (channel_id, start)');
  await client.query(ODS_INDEXES_SQL);
  return rowCount ?? 0;
}

/** About one channel in twenty-five loses 2–12 hours (a communication outage nobody backfilled). */
async function punchGaps(client: ClientBase, seed: number): Promise<number> {
  const { rowCount } = await client.query(
    `WITH gap AS (
       SELECT c.channel_id, to_timestamp(r.first + floor(${noise('c.channel_id', 4)} * (r.last - r.first - 43200) / 3600) * 3600) AS gap_start,
              (2 + floor(${noise('c.channel_id', 5)} * 11)) * interval '1 hour' AS length
         FROM ods.channel c
         CROSS JOIN LATERAL (SELECT extract(epoch FROM min(start)) AS first, extract(epoch FROM max(start)) AS last
                               FROM ods.interval_read WHERE channel_id = c.channel_id) r
        WHERE ${noise('c.channel_id', 3)} < 0.04 AND r.last - r.first > 86400)
     DELETE FROM ods.interval_read i USING gap
      WHERE i.channel_id = gap.channel_id AND i.start >= gap.gap_start AND i.start < gap.gap_start + gap.length`,
    [seed],
  );
  return rowCount ?? 0;
}

/**
 * About one electricity usage point in twelve has a day estimated (a flat profile at 90% of the truth, quality 8),
 * and two thirds of those were later replaced by the meter's actual values (quality 17, validated), received days
 * later: the correction is an update with a newer change_seq, as in a real MDM.
 */
async function estimateAndCorrect(client: ClientBase, seed: number): Promise<{ estimated: number; corrected: number }> {
  await client.query(
    `CREATE TEMP TABLE demo_estimate ON COMMIT DROP AS
     SELECT i.channel_id, i.start, i.value AS actual, i.cost AS actual_cost, ${noise('c.usage_point_id', 7)} < 0.66 AS corrected
       FROM ods.channel c
       CROSS JOIN LATERAL (SELECT min(start) AS first FROM ods.interval_read WHERE channel_id = c.channel_id) f
       JOIN ods.interval_read i ON i.channel_id = c.channel_id
        AND i.start >= date_trunc('day', f.first) + (1 + floor(${noise('c.usage_point_id', 8)} * 5)) * interval '1 day'
        AND i.start < date_trunc('day', f.first) + (2 + floor(${noise('c.usage_point_id', 8)} * 5)) * interval '1 day'
      WHERE c.commodity = ${ELECTRICITY} AND c.flow_direction = 1 AND ${noise('c.usage_point_id', 6)} < 0.08`,
    [seed],
  );
  const estimated = await client.query(
    `UPDATE ods.interval_read i
        SET value = e.flat, cost = CASE WHEN i.cost IS NULL THEN NULL ELSE round(e.flat * e.price)::bigint END, quality = ${ESTIMATED}
       FROM (SELECT d.channel_id, d.start, round(0.9 * avg(d.actual) OVER (PARTITION BY d.channel_id))::bigint AS flat, p.price
               FROM demo_estimate d JOIN demo_channel c USING (channel_id)
               CROSS JOIN LATERAL (SELECT d.start AT TIME ZONE c.zone AS t) l
               LEFT JOIN demo_price p ON ${priceApplies('c.tariff', 'd.start', 'l.t')} AND p.tier_from = 0) e
      WHERE i.channel_id = e.channel_id AND i.start = e.start`,
  );
  const corrected = await client.query(
    `UPDATE ods.interval_read i
        SET value = e.actual, cost = e.actual_cost, quality = ${VALIDATED}, received_at = i.received_at + interval '3 days'
       FROM demo_estimate e
      WHERE e.corrected AND i.channel_id = e.channel_id AND i.start = e.start`,
  );
  return { estimated: estimated.rowCount ?? 0, corrected: corrected.rowCount ?? 0 };
}
