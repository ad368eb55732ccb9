import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseEspiAtomFile } from '../src/espi';
import { generateEspiFeed } from './espi-parse-generate';

/**
 * Reader throughput against the C floor (xmllint --stream) and the closest TypeScript peer
 * (@cityssm/green-button-parser), on the same generated files in the same run. Each tool runs in its own
 * process so peak RSS is its own. Prints medians and ratios; asserts nothing.
 *
 *   node dist/bench/espi-parse.js [--readings 300000,3000000] [--per-usage-point 30000] [--runs 3] [--peer-max-mb 200]
 */

interface Run {
  readings: number;
  seconds: number;
  maxRssMb: number;
  /** Ours: heap in use after a full GC once the linked feed is out, i.e. what the reader still holds. */
  heapMb?: number;
  failed?: string;
}

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);

async function worker(tool: string, file: string) {
  let t0 = process.hrtime.bigint();
  let readings = 0;
  let heapMb: number | undefined;
  if (tool === 'ours') {
    for await (const ev of parseEspiAtomFile(file, { fallbackZone: 'America/New_York' })) {
      if (ev.type === 'readings') readings += ev.readings.length;
      else if (ev.type === 'linked') {
        if (ev.feed.fileRejected || ev.feed.errorCount > 0)
          throw new Error(`rejected: ${ev.feed.diagnostics[0]?.message}`);
        const t = process.hrtime.bigint();
        (globalThis as { gc?: () => void }).gc?.();
        heapMb = process.memoryUsage().heapUsed / 1e6;
        t0 += process.hrtime.bigint() - t;
      }
    }
  } else {
    // The peer is ESM-only and takes the whole document as one string. Its name goes through a variable because the
    // package publishes its .ts sources, which tsc would otherwise type-check as part of our build.
    const peerModule: string = '@cityssm/green-button-parser';
    const peer = (await import(peerModule)) as {
      atomToGreenButtonJson(
        xml: string,
      ): Promise<{ entries: { content: { IntervalBlock?: { IntervalReading?: unknown[] }[] } }[] }>;
    };
    const json = await peer.atomToGreenButtonJson(readFileSync(file, 'utf8'));
    for (const e of json.entries)
      for (const b of e.content.IntervalBlock ?? []) readings += b.IntervalReading?.length ?? 0;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(JSON.stringify({ readings, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, heapMb }));
}

function runNode(tool: string, file: string): Run {
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=4096', '--expose-gc', __filename, '--worker', tool, '--file', file],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (r.status !== 0)
    return {
      readings: 0,
      seconds: NaN,
      maxRssMb: NaN,
      failed: (r.stderr || `exit ${r.status}`).trim().split('\n').slice(-1)[0],
    };
  return JSON.parse(r.stdout) as Run;
}

function runXmllint(file: string, readings: number): Run {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', 'xmllint', '--stream', '--noout', file], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) return { readings: 0, seconds, maxRssMb: NaN, failed: r.stderr.trim().slice(0, 200) };
  return { readings, seconds, maxRssMb: Number(r.stderr.trim().split('\n').pop()) / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (args.has('worker')) return worker(args.get('worker')!, args.get('file')!);
  const sizes = (args.get('readings') ?? '300000,3000000').split(',').map(Number);
  const perUp = Number(args.get('per-usage-point') ?? 30000);
  const runs = Number(args.get('runs') ?? 3);
  const peerMaxMb = Number(args.get('peer-max-mb') ?? 200);
  const dir = join(tmpdir(), 'espi-bench');
  mkdirSync(dir, { recursive: true });
  execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
  console.log(`node ${process.version}, ${runs} runs per tool, medians; ${perUp} readings per usage point`);
  for (const total of sizes) {
    const file = join(dir, `feed-${total}.xml`);
    if (!existsSync(file)) await generateEspiFeed(file, total, perUp);
    const mb = statSync(file).size / 1e6;
    console.log(`\n${file}: ${mb.toFixed(1)} MB, ${total} readings`);
    const tools: [string, () => Run][] = [
      ['xmllint --stream', () => runXmllint(file, total)],
      ['ours (parse+link+validate)', () => runNode('ours', file)],
    ];
    if (mb <= peerMaxMb) tools.push(['@cityssm/green-button-parser', () => runNode('peer', file)]);
    else console.log(`  (peer skipped above ${peerMaxMb} MB: it holds the whole document and its JSON in memory)`);
    const results = new Map<string, Run[]>();
    for (let i = 0; i < runs; i++)
      for (const [name, run] of tools) results.set(name, [...(results.get(name) ?? []), run()]);
    const summary = new Map<string, { mbs: number; rps: number; rss: number; heap?: number }>();
    for (const [name, rs] of results) {
      const failed = rs.find((r) => r.failed);
      if (failed) {
        console.log(`  ${name.padEnd(30)} failed: ${failed.failed}`);
        continue;
      }
      if (name !== 'xmllint --stream' && rs.some((r) => r.readings !== total))
        console.log(`  ${name}: read ${rs[0].readings} readings, expected ${total}`);
      const s = median(rs.map((r) => r.seconds));
      summary.set(name, {
        mbs: mb / s,
        rps: total / s,
        rss: median(rs.map((r) => r.maxRssMb)),
        heap: rs[0].heapMb === undefined ? undefined : median(rs.map((r) => r.heapMb!)),
      });
    }
    const floor = summary.get('xmllint --stream');
    const peer = summary.get('@cityssm/green-button-parser');
    for (const [name, s] of summary) {
      const vsFloor = floor ? ` ${(s.mbs / floor.mbs).toFixed(2)}× xmllint MB/s` : '';
      const vsPeer = peer ? ` ${(s.rps / peer.rps).toFixed(1)}× peer readings/s` : '';
      console.log(
        `  ${name.padEnd(30)} ${s.mbs.toFixed(1).padStart(7)} MB/s ${Math.round(s.rps).toString().padStart(9)} readings/s  peak RSS ${s.rss.toFixed(0).padStart(5)} MB ${vsFloor}${vsPeer}${s.heap === undefined ? '' : `, heap after GC ${s.heap.toFixed(1)} MB`}`,
      );
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
