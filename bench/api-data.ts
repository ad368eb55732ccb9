import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { createDataSource } from '../src/db/data-source';
import { runMigrations } from '../src/db/migrate';
import { ESTIMATED_QUALITY_MASK } from '../src/entities';
import { ensureIntervalPartitions } from '../src/services/partitions';
import { createDatabase } from './support';

// bench/api's data: N customers with one usage point and a year of quarter-hours each, and the SQL it is measured
// against. What is loaded and how must not change: a kept database (--pg-dir, BENCH_DATABASE_URL) is reused.

const ZONES = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney'];
const log = (message: string) => process.stderr.write(`[bench/api] ${message}\n`);

export interface Figures {
  /** Requests (or transactions) per second. */
  rps: number;
  p50: number;
  p99: number;
}

/** The database URL, and whether it already holds the data (a kept database of an earlier run). */
export async function benchDatabase(
  serverUrl: string,
  usagePoints: number,
  keep: boolean,
): Promise<{ url: string; loaded: boolean }> {
  const name = keep ? `bench_api_${usagePoints}` : `bench_api_${process.pid}`;
  if (keep) {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const db = new Client({ connectionString: url.toString() });
    // The monthly rollups are the load's last step: a run stopped before them left an unusable database.
    const loaded = await db
      .connect()
      .then(() =>
        db.query(`SELECT (SELECT count(*) FROM usage_point) = $1 AND EXISTS (SELECT 1 FROM usage_monthly) AS loaded`, [
          usagePoints,
        ]),
      )
      .then((r) => r.rows[0].loaded as boolean)
      .catch(() => false)
      .finally(() => db.end().catch(() => undefined));
    if (loaded) return { url: url.toString(), loaded: true };
  }
  return { url: await createDatabase(serverUrl, name), loaded: false };
}

/** N customers, each with one usage point (zones in turn) and a year of 15-minute Wh readings, plus rollups. */
export async function load(url: string, loaded: boolean, usagePoints: number): Promise<void> {
  const db = createDataSource(url);
  await db.initialize();
  await runMigrations(db, pino({ level: 'warn' }));
  if (loaded) {
    log(`reusing the loaded database ${new URL(url).pathname.slice(1)}`);
    await db.destroy();
    return;
  }
  const from = new Date('2023-12-31T00:00:00Z');
  const to = new Date('2025-01-02T00:00:00Z');
  await ensureIntervalPartitions(db, from, to);
  await db.query(
    `INSERT INTO customer (source_system, external_id, name) SELECT 'bench', 'c' || i, 'Customer ' || i FROM generate_series(1, $1) i`,
    [usagePoints],
  );
  await db.query(
    `INSERT INTO customer_account (source_system, external_id, customer_id) SELECT 'bench', 'a' || id, id FROM customer ORDER BY id`,
  );
  await db.query(
    `INSERT INTO usage_point (source_system, external_id, customer_account_id, service_category_kind, time_zone)
     SELECT 'bench', 'u' || id, id, 0, ($1::text[])[1 + (id % 3)] FROM customer_account ORDER BY id`,
    [ZONES],
  );
  await db.query(
    `INSERT INTO reading_type (accumulation_behaviour, commodity, currency, flow_direction, interval_length, kind, power_of_ten_multiplier, uom) VALUES (4, 1, 840, 1, 900, 12, 0, 72)`,
  );
  await db.query(
    `INSERT INTO meter_reading (usage_point_id, reading_type_id) SELECT u.id, (SELECT id FROM reading_type) FROM usage_point u ORDER BY u.id`,
  );
  const [{ mismatched }] = await db.query(
    `SELECT count(*)::int AS mismatched FROM meter_reading WHERE id <> usage_point_id`,
  );
  if (mismatched) throw new Error('meter reading ids do not match usage point ids; the pgbench scripts rely on it');
  const started = Date.now();
  for (let lo = 1; lo <= usagePoints; lo += 50) {
    await db.query(
      `INSERT INTO interval_reading (usage_point_id, meter_reading_id, start, duration, value, cost, quality)
       SELECT u, u, s, 900, v, v * 13 + 7, CASE WHEN n % 97 = 0 THEN 256 ELSE 0 END
       FROM generate_series($1::int, $2::int) u, generate_series($3::timestamptz, $4::timestamptz - interval '15 minutes', interval '15 minutes') s,
         LATERAL (SELECT extract(epoch FROM s)::bigint / 900 AS n) k, LATERAL (SELECT ((k.n * 7919 + u) % 1500) + 1 AS v) x`,
      [lo, Math.min(lo + 49, usagePoints), from, to],
    );
    log(
      `readings: ${Math.min(lo + 49, usagePoints)}/${usagePoints} usage points (${Math.round((Date.now() - started) / 1000)} s)`,
    );
  }
  // Rollups as the loader defines them (docs/database.md): per local date of each reading's start.
  await db.query(
    `INSERT INTO usage_daily (usage_point_id, meter_reading_id, local_date, value_sum, cost_sum, first_start, last_end, readings, estimated, expected)
     SELECT r.usage_point_id, r.meter_reading_id, (r.start AT TIME ZONE u.time_zone)::date AS day, sum(r.value), sum(r.cost), min(r.start),
       max(r.start + interval '15 minutes'), count(*), count(*) FILTER (WHERE r.quality & ${ESTIMATED_QUALITY_MASK} <> 0),
       (extract(epoch FROM ((r.start AT TIME ZONE u.time_zone)::date + 1)::timestamp AT TIME ZONE u.time_zone
         - ((r.start AT TIME ZONE u.time_zone)::date)::timestamp AT TIME ZONE u.time_zone) / 900)::int
     FROM interval_reading r JOIN usage_point u ON u.id = r.usage_point_id GROUP BY 1, 2, 3, u.time_zone`,
  );
  await db.query(
    `INSERT INTO usage_monthly (usage_point_id, meter_reading_id, local_month, value_sum, cost_sum, first_start, last_end, readings, estimated)
     SELECT usage_point_id, meter_reading_id, date_trunc('month', local_date)::date, sum(value_sum), sum(cost_sum), min(first_start),
       max(last_end), sum(readings), sum(estimated) FROM usage_daily GROUP BY 1, 2, 3`,
  );
  await db.query('VACUUM ANALYZE');
  log(
    `loaded ${usagePoints} usage points × one year of quarter-hours in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  await db.destroy();
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export interface PgbenchOptions {
  usagePoints: number;
  connections: number;
  seconds: number;
  work: string;
}

function pgbench(url: string, name: string, script: string, options: PgbenchOptions): Figures {
  const file = join(options.work, `${name}.sql`);
  writeFileSync(file, script);
  const logDir = mkdtempSync(join(options.work, `${name}-log-`));
  const binary = ['/usr/lib/postgresql/15/bin/pgbench', 'pgbench'].find(
    (candidate) => spawnSync(candidate, ['--version']).status === 0,
  );
  if (!binary) throw new Error('pgbench not found (apt-get install postgresql-client)');
  const run = (seconds: number, logged: boolean) =>
    spawnSync(
      binary,
      [
        '-n',
        '-c',
        String(options.connections),
        '-j',
        '2',
        '-T',
        String(seconds),
        '-f',
        file,
        ...(logged ? ['-l', `--log-prefix=${join(logDir, 'tx')}`] : []),
        url,
      ],
      {
        encoding: 'utf8',
      },
    );
  run(3, false);
  const result = run(options.seconds, true);
  if (result.status !== 0) throw new Error(`pgbench ${name} failed: ${result.stderr}`);
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(result.stdout)?.[1]);
  // Per-transaction log lines: client, transaction, latency in µs, …
  const latencies = readdirSync(logDir)
    .flatMap((f) => readFileSync(join(logDir, f), 'utf8').trim().split('\n'))
    .map((line) => Number(line.split(' ')[2]) / 1000)
    .sort((x, y) => x - y);
  return { rps: tps, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const year = (zone: string) => `('2024-01-01'::timestamp AT TIME ZONE ${zone})`;

/** (a) The raw-SQL local-day aggregation of one random usage point's local year (35 136 readings). */
export function sqlAggregation(url: string, options: PgbenchOptions): Figures {
  return pgbench(
    url,
    'a',
    `\\set up random(1, ${options.usagePoints})
SELECT (r.start AT TIME ZONE u.time_zone)::date AS day, sum(r.value) AS value, sum(r.cost) AS cost, count(*) AS readings,
  count(*) FILTER (WHERE r.quality & ${ESTIMATED_QUALITY_MASK} <> 0) AS estimated
FROM usage_point u JOIN interval_reading r ON r.usage_point_id = u.id AND r.meter_reading_id = u.id
WHERE u.id = :up AND r.start >= ${year('u.time_zone')} AND r.start < ${year('u.time_zone')} + interval '1 year'
GROUP BY 1 ORDER BY 1;
`,
    options,
  );
}

/** (b) The 365 precomputed usage_daily rows of one random usage point: the floor no API can beat. */
export function sqlFloor(url: string, options: PgbenchOptions): Figures {
  return pgbench(
    url,
    'b',
    `\\set up random(1, ${options.usagePoints})
SELECT local_date, value_sum, cost_sum, readings, estimated, expected FROM usage_daily
WHERE usage_point_id = :up AND meter_reading_id = :up AND local_date >= '2024-01-01' AND local_date < '2025-01-01' ORDER BY local_date;
`,
    options,
  );
}
