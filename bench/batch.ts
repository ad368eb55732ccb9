import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { sharedRun, startRedis, type SharedRun } from './batch-workers';
import { createDatabase, timed, withBenchServer, type Timed } from './support';

/**
 * The ODS batch against the floor. Seeds a demo ODS (`usage-portal seed-demo`), then, `--runs` times, each stage into
 * a fresh migrated portal database: (a) the floor, `COPY (SELECT …) TO STDOUT` of the ODS's interval rows piped by
 * psql into `COPY … FROM STDIN` of an empty copy of interval_reading; (b) `usage-portal extract --json` in one
 * process; the baseline's (b) when `--baseline <dist>` names another checkout's built dist/; (c) one extract run
 * enqueued to two `worker` processes, on the PostgreSQL backend and on Redis. Asserts only that every stage stored
 * every reading.
 *
 *   node dist/bench/batch.js [--customers 100] [--days 365] [--runs 1] [--baseline ../old/dist]
 * Uses BENCH_DATABASE_URL (a server URL) when set, else starts an embedded PostgreSQL in the temp folder.
 */

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const CUSTOMERS = args.get('customers') ?? '100';
const DAYS = args.get('days') ?? '365';
const RUNS = Number(args.get('runs') ?? 1);
const BASELINE = args.get('baseline');
const cli = join(__dirname, '..', 'src', 'cli.js');
const baselineCli = BASELINE ? join(BASELINE, 'src', 'cli.js') : undefined;

/** The portal's interval_reading columns the floor fills, and the ODS expression of each. */
const FLOOR_COLUMNS = 'usage_point_id, meter_reading_id, start, value, cost, duration, quality';
const FLOOR_SELECT = `SELECT c.usage_point_id, r.channel_id, r.start, r.value, r.cost, c.interval_length, coalesce(r.quality, 0)
  FROM ods.interval_read r JOIN ods.channel c USING (channel_id)`;

interface Extracted extends Timed {
  /** ms per stage, summed over the files; `ods` is the shards' ODS read and XML write (waits for loads excluded). */
  stages: Record<string, number>;
  /** Every key of the files' `timings`, summed over the files (ms). */
  phases: Record<string, number>;
  files: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function count(url: string, sql: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(sql)).rows[0].n);
  } finally {
    await client.end();
  }
}

/** A fresh migrated portal database and its own data folders, for one stage. */
async function freshPortal(
  serverUrl: string,
  work: string,
  stage: string,
  withCli = cli,
): Promise<{ url: string; env: Record<string, string> }> {
  const url = await createDatabase(serverUrl, `bench_batch_${stage}`);
  const dataDir = join(work, stage);
  mkdirSync(dataDir, { recursive: true });
  const env = {
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    INBOX_DIR: join(dataDir, 'inbox'),
    OUTBOX_DIR: join(dataDir, 'outbox'),
    LOG_LEVEL: 'info',
    QUEUE_PREFIX: `bench-${stage}`,
  };
  timed(process.execPath, [withCli, 'migrate'], env);
  return { url, env };
}

async function floor(serverUrl: string, work: string, odsUrl: string): Promise<Timed> {
  const { url } = await freshPortal(serverUrl, work, 'floor');
  timed(
    '/usr/bin/psql',
    [
      '-X',
      '-q',
      '-d',
      url,
      '-c',
      `CREATE TABLE bench_copy (LIKE interval_reading INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
    ],
    {},
  );
  const psql = 'psql -X -q -v ON_ERROR_STOP=1 -d';
  const a = timed(
    '/bin/bash',
    [
      '-c',
      `set -o pipefail; ${psql} "$1" -c "$3" | ${psql} "$2" -c "$4"`,
      'floor',
      odsUrl,
      url,
      `COPY (${FLOOR_SELECT}) TO STDOUT`,
      `COPY bench_copy (${FLOOR_COLUMNS}) FROM STDIN`,
    ],
    {},
  );
  return a;
}

/** (b): `usage-portal extract --json`; the stage times from its per-file timings and its shards' writing time. */
async function extract(
  serverUrl: string,
  work: string,
  odsUrl: string,
  stage: string,
  withCli: string,
): Promise<Extracted> {
  const { url, env } = await freshPortal(serverUrl, work, stage, withCli);
  const started = Date.now();
  const r = timed(process.execPath, [withCli, 'extract', '--json'], { ...env, ODS_DATABASE_URL: odsUrl });
  const output = JSON.parse(r.stdout) as { files: { timings: Record<string, number> }[]; timings?: { write: number } };
  const files = output.files;
  const sum = (key: string) => files.reduce((n, f) => n + (f.timings[key] ?? 0), 0);
  // A build before the flow wrote everything first and logged when the outbox was written.
  const written = r.stderr.split('\n').find((line) => line.includes('ODS extract written to the outbox'));
  const stages = {
    ods: output.timings?.write ?? (written ? (JSON.parse(written) as { time: number }).time - started : NaN),
    parse: sum('parse') + sum('link'),
    copy: sum('upsert'),
    rollups: sum('rollups'),
  };
  const phases: Record<string, number> = {};
  for (const key of new Set(files.flatMap((f) => Object.keys(f.timings)))) phases[key] = sum(key);
  return {
    ...r,
    stages,
    phases,
    files: files.length,
    stdout: String(await count(url, 'SELECT count(*) AS n FROM interval_reading')),
  };
}

async function shared(
  serverUrl: string,
  work: string,
  odsUrl: string,
  backend: 'postgres' | 'redis',
  redisUrl?: string,
): Promise<SharedRun & { stored: number }> {
  const { url, env } = await freshPortal(serverUrl, work, `workers_${backend}`);
  const run = await sharedRun(cli, { ...env, LOG_LEVEL: 'warn', ODS_DATABASE_URL: odsUrl }, url, redisUrl);
  return { ...run, stored: await count(url, 'SELECT count(*) AS n FROM interval_reading') };
}

function check(stage: string, stored: number, readings: number): void {
  if (stored !== readings) throw new Error(`${stage} stored ${stored} readings of the ODS's ${readings}`);
}

async function main(): Promise<void> {
  await withBenchServer('batch', async (work, serverUrl) => {
    const odsUrl = await createDatabase(serverUrl, 'bench_batch_ods');
    const seeded = timed(process.execPath, [cli, 'seed-demo', '--customers', CUSTOMERS, '--days', DAYS, '--json'], {
      DATABASE_URL: odsUrl,
      ODS_DATABASE_URL: odsUrl,
      LOG_LEVEL: 'warn',
    });
    const readings = await count(odsUrl, 'SELECT count(*) AS n FROM ods.interval_read');
    process.stderr.write(
      `demo ODS: ${CUSTOMERS} customers × ${DAYS} days, ${readings} readings, seeded in ${seeded.seconds.toFixed(1)} s\n`,
    );
    if (readings < 3_000_000)
      process.stderr.write(
        `under the 3 M readings the targets are set for: raise --days or --customers for the target size\n`,
      );
    const redis = await startRedis(join(work, 'redis'), 56000 + (process.pid % 5000)).catch((error: Error) => {
      process.stderr.write(`no Redis (${error.message}): (c) on Redis is skipped\n`);
      return undefined;
    });
    try {
      const runs = [];
      for (let i = 0; i < RUNS; i++) {
        const a = await floor(serverUrl, work, odsUrl);
        const b = await extract(serverUrl, work, odsUrl, 'extract', cli);
        check('(b)', Number(b.stdout), readings);
        const base = baselineCli ? await extract(serverUrl, work, odsUrl, 'baseline', baselineCli) : undefined;
        if (base) check('baseline (b)', Number(base.stdout), readings);
        const cPg = await shared(serverUrl, work, odsUrl, 'postgres');
        check('(c) PostgreSQL', cPg.stored, readings);
        const cRedis = redis ? await shared(serverUrl, work, odsUrl, 'redis', redis.url) : undefined;
        if (cRedis) check('(c) Redis', cRedis.stored, readings);
        runs.push({ a, b, base, cPg, cRedis });
        process.stderr.write(
          `run ${i + 1}/${RUNS}: a ${a.seconds.toFixed(1)} s, b ${b.seconds.toFixed(1)} s, c ${cPg.seconds.toFixed(1)} s (PostgreSQL), ${cRedis?.seconds.toFixed(1) ?? '–'} s (Redis)\n`,
        );
      }
      process.stdout.write(report(readings, runs));
    } finally {
      await redis?.stop();
    }
  });
}

type Run = { a: Timed; b: Extracted; base?: Extracted; cPg: SharedRun; cRedis?: SharedRun };

function report(readings: number, runs: Run[]): string {
  const rate = (s: number) => `${Math.round(readings / s).toLocaleString('en-US')} readings/s`;
  const mb = (xs: number[]) => `${median(xs).toFixed(0)} MB`;
  const perMillion = (cpu: number) => (cpu / (readings / 1e6)).toFixed(2);
  const a = median(runs.map((r) => r.a.seconds));
  const b = median(runs.map((r) => r.b.seconds));
  const line = (label: string, s: number, rest: string) =>
    `${label.padEnd(44)} ${s.toFixed(1).padStart(7)} s  ${rate(s).padStart(20)}  ${rest}`;
  const workers = (pick: (r: Run) => SharedRun | undefined) =>
    ['busier', 'other']
      .map(
        (name, w) =>
          `${name} worker: peak RSS ${mb(runs.map((r) => pick(r)!.workers[w].maxRssMb))}, CPU ${median(runs.map((r) => pick(r)!.workers[w].cpuSeconds)).toFixed(1)} s`,
      )
      .join('; ');
  const stageCpu = (pick: (r: Run) => Extracted) =>
    ['ods', 'parse', 'copy', 'rollups']
      .map(
        (stage) =>
          `${stage} ${perMillion(median(runs.map((r) => (pick(r).cpuSeconds * pick(r).stages[stage]) / (pick(r).seconds * 1000))))}`,
      )
      .join(', ');
  const stageMs = (pick: (r: Run) => Extracted) =>
    Object.keys(runs[0].b.stages)
      .map((stage) => `${stage} ${median(runs.map((r) => pick(r).stages[stage])).toFixed(0)}`)
      .join(', ');
  const lines = [
    `demo ODS: ${CUSTOMERS} customers × ${DAYS} days, ${readings.toLocaleString('en-US')} readings; medians of ${runs.length} run(s)`,
    line('(a) floor: psql COPY TO STDOUT | COPY FROM', a, `peak RSS (psql) ${mb(runs.map((r) => r.a.maxRssMb))}`),
    line(
      '(b) usage-portal extract, one process',
      b,
      `peak RSS ${mb(runs.map((r) => r.b.maxRssMb))}, CPU ${median(runs.map((r) => r.b.cpuSeconds)).toFixed(1)} s`,
    ),
  ];
  if (runs[0].base)
    lines.push(
      line(
        '    baseline (b)',
        median(runs.map((r) => r.base!.seconds)),
        `peak RSS ${mb(runs.map((r) => r.base!.maxRssMb))}, CPU ${median(runs.map((r) => r.base!.cpuSeconds)).toFixed(1)} s`,
      ),
    );
  else lines.push("    baseline (b): none given (--baseline <another checkout's dist/>)");
  const cPg = median(runs.map((r) => r.cPg.seconds));
  lines.push(
    line(
      '(c) two workers, PostgreSQL backend',
      cPg,
      workers((r) => r.cPg),
    ),
  );
  const cRedis = runs[0].cRedis ? median(runs.map((r) => r.cRedis!.seconds)) : undefined;
  if (cRedis !== undefined)
    lines.push(
      line(
        '(c) two workers, Redis backend',
        cRedis,
        workers((r) => r.cRedis),
      ),
    );
  else lines.push('(c) two workers, Redis backend: skipped (no redis-server)');
  lines.push(
    `(b) stages, wall ms: ${stageMs((r) => r.b)} (ods = the shards' ODS read + XML write, waits for loads excluded (before the flow: start-up to the outbox written); parse = parse + link; copy = the import's upsert)`,
    `(b) ${runs[0].b.files} files; their timings summed, ms: ${Object.keys(runs[0].b.phases)
      .map((key) => `${key} ${median(runs.map((r) => r.b.phases[key]))}`)
      .join(', ')}`,
    `(b) CPU-s per million readings by stage (the process's user+sys split by the stages' wall time; PostgreSQL's own CPU not included): ${stageCpu((r) => r.b)}`,
  );
  if (runs[0].base) lines.push(`baseline (b) CPU-s per million readings by stage: ${stageCpu((r) => r.base!)}`);
  const ratio = (x: number) => (a / x).toFixed(2);
  const cVsB = (c: number) => `${(c / b).toFixed(2)}× b's time`;
  lines.push(
    `b/a = ${ratio(b)} (target >= 0.33, moonshot 0.5)${runs[0].base ? `   baseline b/a = ${ratio(median(runs.map((r) => r.base!.seconds)))}` : ''}`,
    `c/a = ${ratio(cPg)} PostgreSQL (${cVsB(cPg)})${cRedis !== undefined ? `, ${ratio(cRedis)} Redis (${cVsB(cRedis)})` : ''} (target: c not slower than b)`,
    `peak RSS per process (target < 512 MB): (b) ${mb(runs.map((r) => r.b.maxRssMb))}, workers up to ${Math.max(...runs.flatMap((r) => [...r.cPg.workers, ...(r.cRedis?.workers ?? [])].map((w) => w.maxRssMb))).toFixed(0)} MB`,
  );
  return `${lines.join('\n')}\n`;
}

main().catch((error: Error) => {
  process.stderr.write(`bench/batch failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
