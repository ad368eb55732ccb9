import { statSync } from 'node:fs';

import { join } from 'node:path';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import 'reflect-metadata';
import { Client } from 'pg';
import { createDataSource } from '../src/db/data-source';
import { writeGreenButtonCsv } from '../src/services/export/csv';
import { writeUsageFeed, type UsageExportRequest } from '../src/services/export/espi-feed';
import { Role } from '../src/auth/roles';
import { AccessScope } from '../src/services/access/access-scope';
import { toGlobalId } from '../src/services/access/global-id';
import { generateEspiFeed } from './espi-parse-generate';
import { createDatabase, psql, timed, withBenchServer, type Timed } from './support';

/**
 * Download My Data against the floor, for one usage point with a year (or --years N) of quarter-hours: (a) psql
 * \copy (SELECT … the same rows …) TO a CSV file, (b) `usage-portal export --format espi`, (c) the same with
 * --format csv, and (d) an export of one day, whose peak RSS is the process's baseline: (b) and (c) staying near it
 * is the flat memory of a streamed export. Each runs in its own process (peak RSS its own), --runs times; medians.
 * (e) and (f) time the export functions alone, in this process, to /dev/null: the CLI's start-up (modules, pool,
 * migration check) is most of (b) and (c) for a year of one usage point.
 *
 *   node dist/bench/export.js [--years 1] [--runs 3]
 * Uses BENCH_DATABASE_URL (a server URL) when set, else starts an embedded PostgreSQL in the temp folder.
 */

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const YEARS = Number(args.get('years') ?? 1);
const RUNS = Number(args.get('runs') ?? 3);
const READINGS = Math.round(YEARS * 365 * 96);
const cli = join(__dirname, '..', 'src', 'cli.js');

function median(runs: Timed[]): { seconds: number; maxRssMb: number } {
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { seconds: mid(runs.map((r) => r.seconds)), maxRssMb: mid(runs.map((r) => r.maxRssMb)) };
}

async function main(): Promise<void> {
  await withBenchServer('export', async (work, serverUrl) => {
    const xml = join(work, 'feed.xml');
    await generateEspiFeed(xml, READINGS, READINGS);
    const url = await createDatabase(serverUrl, 'bench_export');
    const env = { DATABASE_URL: url, LOG_LEVEL: 'warn' };
    timed(process.execPath, [cli, 'import', xml, '--json'], env);

    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ id: string; first: Date; n: string }>(
      `SELECT usage_point_id::text AS id, min(start) AS first, count(*)::text AS n FROM interval_reading GROUP BY usage_point_id`,
    );
    await client.end();
    if (rows.length !== 1 || Number(rows[0].n) !== READINGS)
      throw new Error(`expected one usage point with ${READINGS} readings: ${JSON.stringify(rows)}`);
    const { id, first } = rows[0];
    const from = first.toISOString();
    const to = new Date(first.getTime() + (READINGS / 96 + 1) * 86_400_000).toISOString();
    const oneDay = new Date(first.getTime() + 86_400_000).toISOString();
    const usagePoint = toGlobalId('UsagePoint', id);
    const exportRun = (format: string, until: string, out: string) =>
      timed(
        process.execPath,
        [
          cli,
          'export',
          '--usage-point',
          usagePoint,
          '--from',
          from,
          '--to',
          until,
          '--format',
          format,
          '--out',
          out,
          '--json',
        ],
        env,
      );

    const copyOut = join(work, 'copy.csv');
    const a: Timed[] = [];
    const b: Timed[] = [];
    const c: Timed[] = [];
    const d: Timed[] = [];
    // Interleaved, so the machine's load shifts every variant alike.
    for (let i = 0; i < RUNS; i++) {
      a.push(
        psql(
          url,
          `\\copy (SELECT start, duration, value, cost, quality, tou, cpp, consumption_tier FROM interval_reading WHERE usage_point_id = ${Number(id)} AND start >= '${from}' AND start < '${to}' ORDER BY meter_reading_id, start) TO '${copyOut}' WITH (FORMAT csv)`,
        ),
      );
      b.push(exportRun('espi', to, join(work, 'export.xml')));
      c.push(exportRun('csv', to, join(work, 'export.csv')));
      d.push(exportRun('espi', oneDay, join(work, 'day.xml')));
    }
    const [ma, mb, mc, md] = [a, b, c, d].map(median);
    const inProcess = await timeFunctions(url, {
      scope: AccessScope.of({ subject: 'bench', role: Role.ADMIN }),
      usagePointIds: [id],
      from: new Date(from),
      to: new Date(to),
    });
    const exported = JSON.parse(b[0].stdout) as { readings: number; bytes: number };
    if (exported.readings !== READINGS)
      throw new Error(`the export wrote ${exported.readings} readings, not ${READINGS}`);
    const mb1 = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
    const lines = [
      `one usage point, ${READINGS} quarter-hour readings (${YEARS} year(s)); medians of ${RUNS} interleaved runs`,
      `(a) psql \\copy (SELECT …) TO csv:           ${ma.seconds.toFixed(2)} s  (${mb1(statSync(copyOut).size)})`,
      `(b) usage-portal export --format espi:       ${mb.seconds.toFixed(2)} s  peak RSS ${mb.maxRssMb.toFixed(0)} MB  (${mb1(exported.bytes)})`,
      `(c) usage-portal export --format csv:        ${mc.seconds.toFixed(2)} s  peak RSS ${mc.maxRssMb.toFixed(0)} MB  (${mb1(statSync(join(work, 'export.csv')).size)})`,
      `(d) usage-portal export of one day (espi):   ${md.seconds.toFixed(2)} s  peak RSS ${md.maxRssMb.toFixed(0)} MB  (process baseline)`,
      `(e) writeUsageFeed in-process → /dev/null:   ${inProcess.espi.toFixed(2)} s   (f) writeGreenButtonCsv: ${inProcess.csv.toFixed(2)} s`,
      `e/a = ${(inProcess.espi / ma.seconds).toFixed(2)}   f/a = ${(inProcess.csv / ma.seconds).toFixed(2)}   b/a = ${(mb.seconds / ma.seconds).toFixed(2)}   c/a = ${(mc.seconds / ma.seconds).toFixed(2)}   (b − d) = ${(mb.seconds - md.seconds).toFixed(2)} s for the year   peak RSS b − d = ${(mb.maxRssMb - md.maxRssMb).toFixed(0)} MB`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

/** Medians of --runs calls of each export function in this process, writing to /dev/null. */
async function timeFunctions(url: string, request: UsageExportRequest): Promise<{ espi: number; csv: number }> {
  const db = createDataSource(url, { poolSize: 2 });
  await db.initialize();
  try {
    const time = async (write: typeof writeUsageFeed) => {
      const seconds: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint();
        const out = createWriteStream('/dev/null');
        await write(db, request, out);
        out.end();
        await finished(out);
        seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
      }
      return seconds.sort((x, y) => x - y)[Math.floor(seconds.length / 2)];
    };
    return { espi: await time(writeUsageFeed), csv: await time(writeGreenButtonCsv) };
  } finally {
    await db.destroy();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench/export failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
