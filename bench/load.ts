import { statSync } from 'node:fs';
import { join } from 'node:path';
import { generateEspiFeed } from './espi-parse-generate';
import { createDatabase, psql, timed, withBenchServer } from './support';

/**
 * The load path against the floor: (a) psql \copy of the readings as CSV into an empty copy of interval_reading,
 * (b) `usage-portal import` of the same readings as ESPI XML into an empty database, (c) the same import again with
 * --force (identical data: nothing to write). Each runs in its own process, so peak RSS is its own. Asserts nothing.
 *
 *   node dist/bench/load.js [--readings 3000000] [--per-usage-point 3000]
 * Uses BENCH_DATABASE_URL (a server URL) when set, else starts an embedded PostgreSQL in the temp folder.
 */

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const READINGS = Number(args.get('readings') ?? 3_000_000);
const PER_USAGE_POINT = Number(args.get('per-usage-point') ?? 3_000);
const cli = join(__dirname, '..', 'src', 'cli.js');

const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')} readings/s`;

async function main(): Promise<void> {
  await withBenchServer('load', async (work, serverUrl) => {
    const xml = join(work, 'feed.xml');
    const csv = join(work, 'readings.csv');
    await generateEspiFeed(xml, READINGS, PER_USAGE_POINT);
    const usagePoints = Math.ceil(READINGS / PER_USAGE_POINT);
    const sizeMb = statSync(xml).size / 1e6;
    process.stderr.write(`generated ${READINGS} readings over ${usagePoints} usage points: ${sizeMb.toFixed(0)} MB of ESPI XML\n`);

    const url = await createDatabase(serverUrl, 'bench_load');
    const env = { DATABASE_URL: url, LOG_LEVEL: 'warn' };
    timed(process.execPath, [cli, 'migrate'], env);

    const b = timed(process.execPath, [cli, 'import', xml, '--json'], env);
    const [loaded] = (JSON.parse(b.stdout) as { files: { readings: number; inserted: number; status: string; timings: object }[] }).files;
    if (loaded.status !== 'loaded' || loaded.inserted !== READINGS) throw new Error(`import loaded ${JSON.stringify(loaded)}`);
    const c = timed(process.execPath, [cli, 'import', xml, '--force', '--json'], env);
    const [again] = (JSON.parse(c.stdout) as { files: { unchanged: number; timings: object }[] }).files;
    if (again.unchanged !== READINGS) throw new Error(`forced re-import: ${c.stdout}`);

    // The floor: the very rows the import stored, as CSV, into an empty copy of the table with its primary key.
    psql(url, `\\copy (SELECT usage_point_id, meter_reading_id, start, value, cost, duration, quality FROM interval_reading) TO '${csv}' WITH (FORMAT csv)`);
    psql(url, `CREATE TABLE bench_copy (LIKE interval_reading INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
    const a = psql(url, `\\copy bench_copy (usage_point_id, meter_reading_id, start, value, cost, duration, quality) FROM '${csv}' WITH (FORMAT csv)`);

    const lines = [
      `file: ${sizeMb.toFixed(0)} MB ESPI XML, ${READINGS} readings, ${usagePoints} usage points; CSV ${(statSync(csv).size / 1e6).toFixed(0)} MB`,
      `(a) psql \\copy CSV into an empty table:   ${a.seconds.toFixed(1)} s  ${rate(READINGS, a.seconds)}`,
      `(b) usage-portal import into an empty db: ${b.seconds.toFixed(1)} s  ${rate(READINGS, b.seconds)}  peak RSS ${b.maxRssMb.toFixed(0)} MB`,
      `(c) usage-portal import --force (same):   ${c.seconds.toFixed(1)} s  ${rate(READINGS, c.seconds)}  peak RSS ${c.maxRssMb.toFixed(0)} MB`,
      `phases (ms): (b) ${JSON.stringify(loaded.timings)}  (c) ${JSON.stringify(again.timings)}`,
      `b/a = ${(a.seconds / b.seconds).toFixed(2)} (target >= 0.5)   c faster than b by ${(b.seconds / c.seconds).toFixed(2)}x (target >= 2)   peak RSS ${Math.max(b.maxRssMb, c.maxRssMb).toFixed(0)} MB (target < 512)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

main().catch((error: Error) => {
  process.stderr.write(`bench/load failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
