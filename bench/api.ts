import { join } from 'node:path';
import { benchDatabase, load, sqlAggregation, sqlFloor } from './api-data';
import { MODES, runMode, type Mode } from './api-modes';
import type { Build } from './api-process';
import { report, type Run } from './api-report';
import { customers, TODAY } from './api-traffic';
import { withBenchServer } from './support';

/**
 * The usage API on honest traffic, against the database doing the same work, in one run on the same data:
 *   (a) pgbench: the raw-SQL local-day aggregation of one random usage point's year of 15-minute readings
 *   (b) pgbench: the 365 precomputed daily rows of one random usage point (the floor: no API can beat reading them)
 *   then `usage-portal api` in its own process, fresh for each mode, each customer with its own token, asked:
 *   warm     caches as deployed, every customer's three queries (its year by day, the last month by day, yesterday
 *            by interval) asked once, then random repeats (autocannon, --seconds)
 *   morning  caches as deployed and full of the day before's answers, every usage point's data version new (what the
 *            nightly load does), each customer's three queries as a session, once, and a second time
 *   off      caches off (every answer computed): random customers' year by day (--seconds), and the morning's sessions
 *   trivial  caches off: `{ __typename }` (--seconds)
 * at the same concurrency; with --baseline, each mode for our build and then the baseline's, `--runs` times, (a)
 * and (b) in each run. Prints requests/s, p50, p99, the API's CPU per request (from /proc), c/b, the caches' hit
 * ratios, ratios ours/baseline and the targets. Asserts nothing but that answers match SQL and that the
 * morning's first answers are not served from a cache.
 *
 *   node dist/bench/api.js [--usage-points 1000] [--connections 16] [--seconds 15] [--runs 1] [--baseline ../old/dist]
 *     [--modes warm,morning,off,trivial] [--cpu-prof DIR] [--pg-dir DIR]
 * --cpu-prof writes V8 CPU profiles of our API processes into DIR (NODE_OPTIONS may not carry --cpu-prof).
 * Uses BENCH_DATABASE_URL (a server URL) when set, else an embedded PostgreSQL in the temp folder, or in --pg-dir,
 * which is kept. With either, the database bench_api_<usage points> is kept too, and a later run that finds it loaded
 * only migrates it (loading 1 000 usage points takes ~7 minutes on a quiet machine).
 */

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const USAGE_POINTS = Number(args.get('usage-points') ?? 1000);
const CONNECTIONS = Number(args.get('connections') ?? 16);
const SECONDS = Number(args.get('seconds') ?? 15);
const RUNS = Number(args.get('runs') ?? 1);
const BASELINE = args.get('baseline');
const PG_DIR = args.get('pg-dir');
const KEEP = Boolean(PG_DIR ?? process.env.BENCH_DATABASE_URL);
const log = (message: string) => process.stderr.write(`[bench/api] ${message}\n`);

function modes(): Mode[] {
  const asked = (args.get('modes') ?? MODES.join(',')).split(',');
  const unknown = asked.filter((mode) => !(MODES as readonly string[]).includes(mode));
  if (unknown.length > 0) throw new Error(`unknown mode(s) ${unknown.join(', ')}: choose from ${MODES.join(', ')}`);
  return MODES.filter((mode) => asked.includes(mode));
}

async function main(): Promise<void> {
  const chosen = modes();
  const builds: Build[] = [
    { label: 'ours', cli: join(__dirname, '..', 'src', 'cli.js'), cpuProfDir: args.get('cpu-prof') },
  ];
  if (BASELINE) builds.push({ label: 'baseline', cli: join(BASELINE, 'src', 'cli.js') });
  await withBenchServer(
    'api',
    async (work, serverUrl) => {
      const { url, loaded } = await benchDatabase(serverUrl, USAGE_POINTS, KEEP);
      await load(url, loaded, USAGE_POINTS);
      const context = { url, work, customers: await customers(url), connections: CONNECTIONS, seconds: SECONDS };
      const pgbench = { usagePoints: USAGE_POINTS, connections: CONNECTIONS, seconds: SECONDS, work };
      const runs: Run[] = [];
      for (let i = 1; i <= RUNS; i += 1) {
        const run: Run = {
          a: sqlAggregation(url, pgbench),
          b: sqlFloor(url, pgbench),
          ours: {},
          baseline: BASELINE ? {} : undefined,
        };
        log(`run ${i}/${RUNS}: (a) ${run.a.rps.toFixed(0)} req/s, (b) ${run.b.rps.toFixed(0)} req/s`);
        for (const mode of chosen) {
          for (const build of builds) {
            const figures = await runMode[mode](build, context);
            Object.assign(build.label === 'ours' ? run.ours : (run.baseline ?? {}), figures);
            const summary = Object.entries(figures).map(
              ([name, f]) =>
                `${name} ${f.rps.toFixed(0)} req/s, p99 ${f.p99.toFixed(1)} ms, CPU ${f.cpuMs.toFixed(2)} ms`,
            );
            log(`run ${i}/${RUNS}: ${build.label}: ${summary.join('; ')}`);
          }
        }
        runs.push(run);
      }
      process.stdout.write(
        report(
          { usagePoints: USAGE_POINTS, connections: CONNECTIONS, seconds: SECONDS, baseline: BASELINE, today: TODAY },
          runs,
        ),
      );
    },
    PG_DIR,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
