import { statSync } from 'node:fs';
import { join } from 'node:path';
import { generateEspiFeed } from './espi-parse-generate';
import { createDatabase, psql, timed, withBenchServer, type Timed } from './support';

/**
 * The load path against the floor: (a) psql \copy of the readings as CSV into an empty copy of interval_reading,
 * (b) `usage-portal import` of the same readings as ESPI XML into an empty database, (c) the same import again with
 * --force (identical data: nothing to write); `--runs` times, and with `--baseline <dist>` (another checkout's built
 * dist/) its (b) and (c) in each run beside ours. Each runs in its own process, so peak RSS is its own. Prints
 * medians; asserts nothing but that every import stored every reading.
 *
 *   node dist/bench/load.js [--readings 3000000] [--per-usage-point 3000] [--runs 1] [--baseline ../old/dist]
 * Uses BENCH_DATABASE_URL (a server URL) when set, else starts an embedded PostgreSQL in the temp folder.
 */

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const READINGS = Number(args.get('readings') ?? 3_000_000);
const PER_USAGE_POINT = Number(args.get('per-usage-point') ?? 3_000);
const RUNS = Number(args.get('runs') ?? 1);
const BASELINE = args.get('baseline');
const cli = join(__dirname, '..', 'src', 'cli.js');
const baselineCli = BASELINE ? join(BASELINE, 'src', 'cli.js') : undefined;

const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')} readings/s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Loaded {
  b: Timed;
  c: Timed;
  bTimings: Record<string, number>;
  cTimings: Record<string, number>;
}

/** (b) and (c) with one build's CLI, into a fresh migrated database; returns that database's URL too. */
async function loadTwice(
  serverUrl: string,
  xml: string,
  name: string,
  withCli: string,
): Promise<Loaded & { url: string }> {
  const url = await createDatabase(serverUrl, name);
  const env = { DATABASE_URL: url, LOG_LEVEL: 'warn' };
  timed(process.execPath, [withCli, 'migrate'], env);
  const b = timed(process.execPath, [withCli, 'import', xml, '--json'], env);
  const [loaded] = (
    JSON.parse(b.stdout) as {
      files: { readings: number; inserted: number; status: string; timings: Record<string, number> }[];
    }
  ).files;
  if (loaded.status !== 'loaded' || loaded.inserted !== READINGS)
    throw new Error(`import loaded ${JSON.stringify(loaded)}`);
  const c = timed(process.execPath, [withCli, 'import', xml, '--force', '--json'], env);
  const [again] = (JSON.parse(c.stdout) as { files: { unchanged: number; timings: Record<string, number> }[] }).files;
  if (again.unchanged !== READINGS) throw new Error(`forced re-import: ${c.stdout}`);
  return { url, b, c, bTimings: loaded.timings, cTimings: again.timings };
}

async function main(): Promise<void> {
  await withBenchServer('load', async (work, serverUrl) => {
    const xml = join(work, 'feed.xml');
    const csv = join(work, 'readings.csv');
    await generateEspiFeed(xml, READINGS, PER_USAGE_POINT);
    const usagePoints = Math.ceil(READINGS / PER_USAGE_POINT);
    const sizeMb = statSync(xml).size / 1e6;
    process.stderr.write(
      `generated ${READINGS} readings over ${usagePoints} usage points: ${sizeMb.toFixed(0)} MB of ESPI XML\n`,
    );

    const runs: { a: Timed; ours: Loaded; base?: Loaded }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ours = await loadTwice(serverUrl, xml, 'bench_load', cli);
      // The floor: the very rows the import stored, as CSV, into an empty copy of the table with its primary key.
      if (i === 0)
        psql(
          ours.url,
          `\\copy (SELECT usage_point_id, meter_reading_id, start, value, cost, duration, quality FROM interval_reading) TO '${csv}' WITH (FORMAT csv)`,
        );
      psql(
        ours.url,
        `CREATE TABLE bench_copy (LIKE interval_reading INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
      );
      const a = psql(
        ours.url,
        `\\copy bench_copy (usage_point_id, meter_reading_id, start, value, cost, duration, quality) FROM '${csv}' WITH (FORMAT csv)`,
      );
      const base = baselineCli ? await loadTwice(serverUrl, xml, 'bench_load_baseline', baselineCli) : undefined;
      runs.push({ a, ours, base });
      const ratios = (l: Loaded) =>
        `b ${l.b.seconds.toFixed(1)} s, c ${l.c.seconds.toFixed(1)} s, b/a ${(a.seconds / l.b.seconds).toFixed(2)}`;
      process.stderr.write(
        `run ${i + 1}/${RUNS}: a ${a.seconds.toFixed(1)} s; ours ${ratios(ours)}${base ? `; baseline ${ratios(base)}` : ''}\n`,
      );
    }
    process.stdout.write(report(sizeMb, statSync(csv).size / 1e6, usagePoints, runs));
  });
}

function report(
  sizeMb: number,
  csvMb: number,
  usagePoints: number,
  runs: { a: Timed; ours: Loaded; base?: Loaded }[],
): string {
  const a = median(runs.map((r) => r.a.seconds));
  const phases = (pick: (l: Loaded) => Record<string, number>, of: (r: (typeof runs)[number]) => Loaded) =>
    JSON.stringify(
      Object.fromEntries(
        Object.keys(pick(of(runs[0]))).map((key) => [key, median(runs.map((r) => pick(of(r))[key] ?? 0))]),
      ),
    );
  const build = (label: string, of: (r: (typeof runs)[number]) => Loaded) => {
    const b = median(runs.map((r) => of(r).b.seconds));
    const c = median(runs.map((r) => of(r).c.seconds));
    const rss = Math.max(...runs.flatMap((r) => [of(r).b.maxRssMb, of(r).c.maxRssMb]));
    return [
      `${label} (b) usage-portal import into an empty db: ${b.toFixed(1)} s  ${rate(READINGS, b)}  peak RSS ${median(runs.map((r) => of(r).b.maxRssMb)).toFixed(0)} MB, CPU ${median(runs.map((r) => of(r).b.cpuSeconds)).toFixed(1)} s`,
      `${label} (c) usage-portal import --force (same):   ${c.toFixed(1)} s  ${rate(READINGS, c)}  peak RSS ${median(runs.map((r) => of(r).c.maxRssMb)).toFixed(0)} MB, CPU ${median(runs.map((r) => of(r).c.cpuSeconds)).toFixed(1)} s`,
      `${label} phases (ms, medians): (b) ${phases((l) => l.bTimings, of)}  (c) ${phases((l) => l.cTimings, of)}`,
      `${label} b/a = ${(a / b).toFixed(2)} (target >= 0.5)   c faster than b by ${(b / c).toFixed(2)}x (target >= 2)   peak RSS ${rss.toFixed(0)} MB (target < 512)`,
    ];
  };
  const lines = [
    `file: ${sizeMb.toFixed(0)} MB ESPI XML, ${READINGS} readings, ${usagePoints} usage points; CSV ${csvMb.toFixed(0)} MB; medians of ${runs.length} run(s)`,
    `(a) psql \\copy CSV into an empty table:   ${a.toFixed(1)} s  ${rate(READINGS, a)}`,
    ...build('ours:    ', (r) => r.ours),
    ...(runs[0].base
      ? build('baseline:', (r) => r.base as Loaded)
      : ["baseline: none given (--baseline <another checkout's dist/>)"]),
  ];
  return `${lines.join('\n')}\n`;
}

main().catch((error: Error) => {
  process.stderr.write(`bench/load failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
