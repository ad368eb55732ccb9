import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { writeCimMessage, type CimEnvelope } from '../src/cim';
import { createDataSource } from '../src/db/data-source';
import { Role } from '../src/auth/roles';
import { AccessScope } from '../src/services/access/access-scope';
import { answerGet } from '../src/services/cim/meter-readings-get';
import { writeUsageFeed } from '../src/services/export/espi-feed';
import { DEFAULT_SOURCE_SYSTEM } from '../src/services/import/import-file';
import { generateEspiFeed } from './espi-parse-generate';
import { createDatabase, timed, withBenchServer } from './support';

/**
 * `get MeterReadings` against the ESPI export of the same data: one month of quarter-hours (30 days × 96) per usage
 * point, loaded with `usage-portal import`, then each reply written to a file by the product's services, each run in
 * its own process for its own time and peak RSS, alternating formats. Run at 1/10 of the usage points too: a reply that
 * streams has the same peak RSS at both sizes. Asserts nothing beyond both formats carrying every reading.
 *
 *   node dist/bench/cim.js [--usage-points 100] [--runs 3]
 * Uses BENCH_DATABASE_URL (a server URL) when set, else starts an embedded PostgreSQL in the temp folder.
 */

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const PER_USAGE_POINT = 30 * 96;
const FROM = 1704085200; // 2024-01-01T05:00Z, where the generator starts
const TO = FROM + PER_USAGE_POINT * 900;

interface ChildResult {
  readings: number;
  bytes: number;
  seconds: number;
}

/** In the child: one reply of `format` for the first `usagePoints` usage points, written to `out`. */
async function child(format: string, url: string, usagePoints: number, out: string): Promise<void> {
  const db = createDataSource(url, { poolSize: 2, applicationName: `bench-cim-${format}` });
  await db.initialize();
  try {
    const ups = (await db.query(`SELECT id, external_id FROM usage_point ORDER BY id LIMIT $1`, [usagePoints])) as {
      id: string;
      external_id: string;
    }[];
    const file = createWriteStream(out);
    const t0 = process.hrtime.bigint();
    let readings = 0;
    const scope = AccessScope.of({ subject: 'bench', role: Role.ADMIN });
    if (format === 'cim') {
      const envelope: CimEnvelope = {
        kind: 'request',
        rootName: 'RequestMessage',
        header: { verb: 'get', noun: 'MeterReadings', messageId: 'bench' },
        request: {
          getMeterReadings: {
            usagePoints: ups.map((u) => ({ mRID: u.external_id })),
            endDevices: [],
            readingTypes: [],
            periods: [{ start: FROM, end: TO }],
          },
        },
      };
      const { message, next } = await answerGet(db, envelope, {
        sourceSystem: DEFAULT_SOURCE_SYSTEM,
        scope,
        pageReadings: 1_000_000,
      });
      if (next) throw new Error('the reply was paged: raise pageReadings');
      for await (const chunk of writeCimMessage(message)) {
        for (let i = chunk.indexOf('<IntervalReadings>'); i >= 0; i = chunk.indexOf('<IntervalReadings>', i + 1))
          readings++;
        if (!file.write(chunk)) await once(file, 'drain');
      }
    } else {
      readings = (
        await writeUsageFeed(
          db,
          { scope, usagePointIds: ups.map((u) => u.id), from: new Date(FROM * 1000), to: new Date(TO * 1000) },
          file,
        )
      ).readings;
    }
    file.end();
    await finished(file);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    process.stdout.write(JSON.stringify({ readings, bytes: file.bytesWritten, seconds } satisfies ChildResult));
  } finally {
    await db.destroy();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const usagePoints = Number(args.get('usage-points') ?? 100);
  const runs = Number(args.get('runs') ?? 3);
  await withBenchServer('cim', async (work, serverUrl) => {
    const xml = join(work, 'feed.xml');
    await generateEspiFeed(xml, usagePoints * PER_USAGE_POINT, PER_USAGE_POINT);
    const url = await createDatabase(serverUrl, 'bench_cim');
    const cli = join(__dirname, '..', 'src', 'cli.js');
    const env = { DATABASE_URL: url, LOG_LEVEL: 'warn' };
    timed(process.execPath, [cli, 'migrate'], env);
    const loaded = JSON.parse(timed(process.execPath, [cli, 'import', xml, '--json'], env).stdout) as {
      files: { inserted: number }[];
    };
    process.stderr.write(`loaded ${loaded.files[0].inserted} readings of ${usagePoints} usage points\n`);

    const lines: string[] = [];
    for (const ups of [Math.max(1, Math.round(usagePoints / 10)), usagePoints]) {
      const figures: Record<string, { seconds: number[]; rss: number[]; result?: ChildResult }> = {
        cim: { seconds: [], rss: [] },
        espi: { seconds: [], rss: [] },
      };
      for (let run = 0; run < runs; run++) {
        for (const format of ['cim', 'espi']) {
          const r = timed(
            process.execPath,
            [__filename, '--child', format, '--url', url, '--ups', String(ups), '--out', join(work, `${format}.xml`)],
            {},
          );
          const result = JSON.parse(r.stdout) as ChildResult;
          if (result.readings !== ups * PER_USAGE_POINT)
            throw new Error(`${format} wrote ${result.readings} readings, expected ${ups * PER_USAGE_POINT}`);
          figures[format].seconds.push(result.seconds);
          figures[format].rss.push(r.maxRssMb);
          figures[format].result = result;
        }
      }
      const show = (name: string, f: (typeof figures)['cim']) =>
        `  ${name}: ${median(f.seconds).toFixed(2)} s  ${Math.round((ups * PER_USAGE_POINT) / median(f.seconds)).toLocaleString('en-US')} readings/s  ` +
        `${((f.result?.bytes ?? 0) / 1e6).toFixed(0)} MB  peak RSS ${median(f.rss).toFixed(0)} MB`;
      lines.push(
        `${ups} usage points, ${(ups * PER_USAGE_POINT).toLocaleString('en-US')} readings (medians of ${runs}):`,
        show('CIM get MeterReadings reply', figures.cim),
        show('ESPI usage feed export     ', figures.espi),
        `  CIM/ESPI time ${(median(figures.cim.seconds) / median(figures.espi.seconds)).toFixed(2)}  RSS ${(median(figures.cim.rss) / median(figures.espi.rss)).toFixed(2)}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

if (args.has('child')) {
  child(
    args.get('child') as string,
    args.get('url') as string,
    Number(args.get('ups')),
    args.get('out') as string,
  ).catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: Error) => {
    process.stderr.write(`bench/cim failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
