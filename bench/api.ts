import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import pino from 'pino';
import { Role } from '../src/auth/roles';
import { mintToken } from '../src/auth/tokens';
import { createDataSource } from '../src/db/data-source';
import { runMigrations } from '../src/db/migrate';
import { ESTIMATED_QUALITY_MASK } from '../src/entities';
import { toGlobalId } from '../src/services/access/global-id';
import { formatScaled } from '../src/services/usage/decimal';
import { ensureIntervalPartitions } from '../src/services/partitions';
import { createDatabase, withBenchServer } from './support';

/**
 * The usage API against the database doing the same work, in one run on the same data:
 *   (a) pgbench: the raw-SQL local-day aggregation of one random usage point's year of 15-minute readings
 *   (b) pgbench: the 365 precomputed daily rows of one random usage point (the floor: no API can beat reading them)
 *   (c) GraphQL usage(resolution: DAY) for one random usage point's local year over HTTP (autocannon), each request
 *       with that customer's own token, against `usage-portal api` in its own process
 * at the same concurrency. Prints requests/s and p50/p99 latency of each, and c/a and c/b. Asserts nothing.
 *
 *   node dist/bench/api.js [--usage-points 1000] [--connections 16] [--seconds 15] [--cpu-prof DIR] [--pg-dir DIR]
 * --cpu-prof writes a V8 CPU profile of the API process into DIR (NODE_OPTIONS may not carry --cpu-prof).
 * Uses BENCH_DATABASE_URL (a server URL) when set, else an embedded PostgreSQL in the temp folder, or in --pg-dir,
 * which is kept. With either, the database bench_api_<usage points> is kept too, and a later run that finds it loaded
 * only migrates it (loading 1 000 usage points takes ~25 minutes).
 */

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const USAGE_POINTS = Number(args.get('usage-points') ?? 1000);
const CONNECTIONS = Number(args.get('connections') ?? 16);
const SECONDS = Number(args.get('seconds') ?? 15);
const CPU_PROF_DIR = args.get('cpu-prof');
const PG_DIR = args.get('pg-dir');
const KEEP = Boolean(PG_DIR ?? process.env.BENCH_DATABASE_URL);
const ZONES = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney'];
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-signing';
const log = (message: string) => process.stderr.write(`[bench/api] ${message}\n`);

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** The database URL, and whether it already holds the data (a kept database of an earlier run). */
async function benchDatabase(serverUrl: string): Promise<{ url: string; loaded: boolean }> {
  const name = KEEP ? `bench_api_${USAGE_POINTS}` : `bench_api_${process.pid}`;
  if (KEEP) {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const db = new Client({ connectionString: url.toString() });
    // The monthly rollups are the load's last step: a run stopped before them left an unusable database.
    const loaded = await db
      .connect()
      .then(() => db.query(`SELECT (SELECT count(*) FROM usage_point) = $1 AND EXISTS (SELECT 1 FROM usage_monthly) AS loaded`, [USAGE_POINTS]))
      .then((r) => r.rows[0].loaded as boolean)
      .catch(() => false)
      .finally(() => db.end().catch(() => undefined));
    if (loaded) return { url: url.toString(), loaded: true };
  }
  return { url: await createDatabase(serverUrl, name), loaded: false };
}

/** N customers, each with one usage point (zones in turn) and a year of 15-minute Wh readings, plus rollups. */
async function load(url: string, loaded: boolean): Promise<void> {
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
  await db.query(`INSERT INTO customer (source_system, external_id, name) SELECT 'bench', 'c' || i, 'Customer ' || i FROM generate_series(1, $1) i`, [USAGE_POINTS]);
  await db.query(`INSERT INTO customer_account (source_system, external_id, customer_id) SELECT 'bench', 'a' || id, id FROM customer ORDER BY id`);
  await db.query(
    `INSERT INTO usage_point (source_system, external_id, customer_account_id, service_category_kind, time_zone)
     SELECT 'bench', 'u' || id, id, 0, ($1::text[])[1 + (id % 3)] FROM customer_account ORDER BY id`,
    [ZONES],
  );
  await db.query(`INSERT INTO reading_type (accumulation_behaviour, commodity, currency, flow_direction, interval_length, kind, power_of_ten_multiplier, uom) VALUES (4, 1, 840, 1, 900, 12, 0, 72)`);
  await db.query(`INSERT INTO meter_reading (usage_point_id, reading_type_id) SELECT u.id, (SELECT id FROM reading_type) FROM usage_point u ORDER BY u.id`);
  const [{ mismatched }] = await db.query(`SELECT count(*)::int AS mismatched FROM meter_reading WHERE id <> usage_point_id`);
  if (mismatched) throw new Error('meter reading ids do not match usage point ids; the pgbench scripts rely on it');
  const started = Date.now();
  for (let lo = 1; lo <= USAGE_POINTS; lo += 50) {
    await db.query(
      `INSERT INTO interval_reading (usage_point_id, meter_reading_id, start, duration, value, cost, quality)
       SELECT u, u, s, 900, v, v * 13 + 7, CASE WHEN n % 97 = 0 THEN 256 ELSE 0 END
       FROM generate_series($1::int, $2::int) u, generate_series($3::timestamptz, $4::timestamptz - interval '15 minutes', interval '15 minutes') s,
         LATERAL (SELECT extract(epoch FROM s)::bigint / 900 AS n) k, LATERAL (SELECT ((k.n * 7919 + u) % 1500) + 1 AS v) x`,
      [lo, Math.min(lo + 49, USAGE_POINTS), from, to],
    );
    log(`readings: ${Math.min(lo + 49, USAGE_POINTS)}/${USAGE_POINTS} usage points (${Math.round((Date.now() - started) / 1000)} s)`);
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
  log(`loaded ${USAGE_POINTS} usage points × one year of quarter-hours in ${Math.round((Date.now() - started) / 1000)} s`);
  await db.destroy();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function pgbench(url: string, name: string, script: string, work: string): Figures {
  const file = join(work, `${name}.sql`);
  writeFileSync(file, script);
  const logDir = mkdtempSync(join(work, `${name}-log-`));
  const binary = ['/usr/lib/postgresql/15/bin/pgbench', 'pgbench'].find((candidate) => spawnSync(candidate, ['--version']).status === 0);
  if (!binary) throw new Error('pgbench not found (apt-get install postgresql-client)');
  const run = (seconds: number, logged: boolean) =>
    spawnSync(binary, ['-n', '-c', String(CONNECTIONS), '-j', '2', '-T', String(seconds), '-f', file, ...(logged ? ['-l', `--log-prefix=${join(logDir, 'tx')}`] : []), url], {
      encoding: 'utf8',
    });
  run(3, false);
  const result = run(SECONDS, true);
  if (result.status !== 0) throw new Error(`pgbench ${name} failed: ${result.stderr}`);
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(result.stdout)?.[1]);
  // Per-transaction log lines: client, transaction, latency in µs, …
  const latencies = readdirSync(logDir)
    .flatMap((f) => readFileSync(join(logDir, f), 'utf8').trim().split('\n'))
    .map((line) => Number(line.split(' ')[2]) / 1000)
    .sort((x, y) => x - y);
  return { name, rps: tps, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function startApi(url: string, port: number, cacheMb: string): Promise<ChildProcess> {
  const profile = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, join(__dirname, '..', 'src', 'cli.js'), 'api'], {
    // NODE_ENV=production as deployed: graphql-js skips its development-only checks, introspection is off.
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET,
      LOG_LEVEL: 'warn',
      USAGE_CACHE_MB: cacheMb,
      ANSWER_CACHE_MB: cacheMb,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-api-data-')),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('usage-portal api did not become ready');
}

const QUERY = `query($id: ID!, $from: DateTime!, $to: DateTime!) { usagePoint(id: $id) { usage(from: $from, to: $to, resolution: DAY) {
  unit total cost buckets { start end value cost readings expected estimated } } } }`;

const config = { jwt: { secret: JWT_SECRET, maxTtlSeconds: 3600 }, dataDir: tmpdir() };

/** Hits and misses of the API's answer cache so far, from its /metrics. */
async function cacheLookups(apiUrl: string): Promise<{ hit: number; miss: number }> {
  const token = await mintToken(config, { role: Role.OPS, ttlSeconds: 600 });
  const text = await (await fetch(`${apiUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const count = (result: string) => Number(new RegExp(`usage_portal_answer_cache_lookups_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { hit: count('hit'), miss: count('miss') };
}

/** CPU seconds (user + system) a process has used so far, from /proc: what a request costs whatever else runs. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function graphqlBench(url: string, apiUrl: string, name: string, apiPid: number, warmEveryPoint: boolean): Promise<Figures & { hitRatio: number; cpuMs: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(
    `SELECT u.id::text AS id, a.customer_id::text AS customer, ('2024-01-01'::timestamp AT TIME ZONE u.time_zone) AS "from",
       ('2025-01-01'::timestamp AT TIME ZONE u.time_zone) AS "to" FROM usage_point u JOIN customer_account a ON a.id = u.customer_account_id ORDER BY u.id`,
  );
  const bodies = await Promise.all(
    rows.map(async (row: { id: string; customer: string; from: Date; to: Date }) => ({
      token: await mintToken(config, { role: Role.CUSTOMER, customerId: toGlobalId('Customer', row.customer), ttlSeconds: 3600 }),
      body: JSON.stringify({ query: QUERY, variables: { id: toGlobalId('UsagePoint', row.id), from: row.from.toISOString(), to: row.to.toISOString() } }),
      row,
    })),
  );
  // Check one answer against SQL before timing anything.
  const sample = bodies[0];
  const response = (await (await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${sample.token}` }, body: sample.body })).json()) as {
    data?: { usagePoint: { usage: { total: string; buckets: unknown[] } } };
    errors?: unknown;
  };
  const [{ total }] = (await client.query(`SELECT sum(value)::text AS total FROM interval_reading WHERE usage_point_id = $1 AND start >= $2 AND start < $3`, [sample.row.id, sample.row.from, sample.row.to])).rows;
  await client.end();
  if (response.errors || response.data?.usagePoint.usage.total !== formatScaled(BigInt(total), -3) || response.data.usagePoint.usage.buckets.length !== 366) {
    throw new Error(`the API answer does not match SQL: ${JSON.stringify(response).slice(0, 500)}`);
  }
  const run = (duration: number) =>
    autocannon({
      url: `${apiUrl}/graphql`,
      connections: CONNECTIONS,
      duration,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const pick = bodies[Math.floor(Math.random() * bodies.length)];
            return { ...request, body: pick.body, headers: { 'content-type': 'application/json', authorization: `Bearer ${pick.token}` } };
          },
        },
      ],
    });
  if (warmEveryPoint) {
    // Each point's year asked once, CONNECTIONS at a time: the state of an API whose customers have looked before.
    const queue = [...bodies];
    const ask = async (): Promise<void> => {
      for (let next = queue.pop(); next; next = queue.pop()) {
        await (await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${next.token}` }, body: next.body })).text();
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, ask));
  }
  await run(3);
  const before = await cacheLookups(apiUrl);
  const cpuBefore = cpuSeconds(apiPid);
  const result = await run(SECONDS);
  const cpu = cpuSeconds(apiPid) - cpuBefore;
  const after = await cacheLookups(apiUrl);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx responses and ${result.errors} errors`);
  const hits = after.hit - before.hit;
  const lookups = hits + after.miss - before.miss;
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, hitRatio: lookups ? hits / lookups : 0, cpuMs: (cpu * 1000) / result.requests.total };
}

/** (a), (b) and (c) on the server at `serverUrl`; `onApi` learns each API process, so the caller can stop it. */
async function measure(work: string, serverUrl: string, onApi: (api: ChildProcess) => ChildProcess): Promise<void> {
  const { url, loaded } = await benchDatabase(serverUrl);
  await load(url, loaded);
  const year = (zone: string) => `('2024-01-01'::timestamp AT TIME ZONE ${zone})`;
  const a = pgbench(
    url,
    '(a) SQL local-day aggregation of the readings',
    `\\set up random(1, ${USAGE_POINTS})
SELECT (r.start AT TIME ZONE u.time_zone)::date AS day, sum(r.value) AS value, sum(r.cost) AS cost, count(*) AS readings,
  count(*) FILTER (WHERE r.quality & ${ESTIMATED_QUALITY_MASK} <> 0) AS estimated
FROM usage_point u JOIN interval_reading r ON r.usage_point_id = u.id AND r.meter_reading_id = u.id
WHERE u.id = :up AND r.start >= ${year('u.time_zone')} AND r.start < ${year('u.time_zone')} + interval '1 year'
GROUP BY 1 ORDER BY 1;
`,
    work,
  );
  const b = pgbench(
    url,
    '(b) SQL 365 precomputed daily rows',
    `\\set up random(1, ${USAGE_POINTS})
SELECT local_date, value_sum, cost_sum, readings, estimated, expected FROM usage_daily
WHERE usage_point_id = :up AND meter_reading_id = :up AND local_date >= '2024-01-01' AND local_date < '2025-01-01' ORDER BY local_date;
`,
    work,
  );
  // (c) three times, each against a fresh API process: with the caches as deployed, warm (every point's year asked
  // once before) and cold (a 3 s warm-up on random points), and with the caches off (every answer computed).
  const cs = [];
  for (const [cacheMb, warm, name] of [
    ['64', true, '(c) GraphQL usage(DAY), one year, caches warm'],
    ['64', false, '(c) GraphQL usage(DAY), one year, caches cold'],
    ['0', false, '(c) GraphQL usage(DAY), one year, caches off'],
  ] as const) {
    const port = await freePort();
    const api = onApi(await startApi(url, port, cacheMb));
    cs.push(await graphqlBench(url, `http://127.0.0.1:${port}`, name, api.pid as number, warm));
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
  }
  process.stdout.write(`usage API, ${USAGE_POINTS} usage points × one year of 15-minute readings, ${CONNECTIONS} concurrent clients, ${SECONDS} s each\n`);
  for (const f of [a, b, ...cs]) {
    process.stdout.write(`  ${f.name.padEnd(48)} ${f.rps.toFixed(0).padStart(7)} req/s   p50 ${f.p50.toFixed(2).padStart(7)} ms   p99 ${f.p99.toFixed(2).padStart(7)} ms\n`);
  }
  for (const c of cs) {
    const hitRatio = c.name.endsWith('off') ? '' : `   answer cache hit ratio ${(c.hitRatio * 100).toFixed(1)} %`;
    process.stdout.write(
      `  ${c.name}: c/a = ${(c.rps / a.rps).toFixed(2)} (target ≥ 10)   c/b = ${(c.rps / b.rps).toFixed(2)} (target ≥ 0.5)   p99(c) = ${c.p99.toFixed(1)} ms (target < 50)   API CPU ${c.cpuMs.toFixed(2)} ms/request${hitRatio}\n`,
    );
  }
}

async function main(): Promise<void> {
  let api: ChildProcess | undefined;
  await withBenchServer(
    'api',
    async (work, serverUrl) => {
      try {
        await measure(work, serverUrl, (started) => (api = started));
      } finally {
        if (api && api.exitCode === null) {
          api.kill('SIGTERM');
          await new Promise((r) => api?.once('exit', r));
        }
      }
    },
    PG_DIR,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
