// What a newcomer waits for after `npm start` on a fresh data directory: the demo ODS is seeded (a year of 300
// customers), then the first extract run loads it. Prints the seed's time, then, counted from the end of the seed,
// when a first customer's usage answers in GraphQL (a CSR's token; any usage point with readings) and when the whole
// run is loaded (its parent job's log line), with the readings per second of the run. Issue 15's targets: 15 s and
// 90 s on a 2-core machine.
//
//   node dist/bench/first-run.js [--runs 1]      (this checkout, built; `npm start` runs in it with a fresh DATA_DIR)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const repo = resolve(join(__dirname, '..', '..'));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' } } });

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

const QUERY = `query First($from: DateTime!, $to: DateTime!) {
  customers(first: 10) { edges { node { accounts(first: 2) { edges { node { usagePoints(first: 2) { edges { node {
    usage(from: $from, to: $to, resolution: MONTH) { readings } } } } } } } } } }
}`;

async function customerUsage(base: string, token: string): Promise<number> {
  const to = new Date();
  const from = new Date(to.getTime() - 400 * 86_400_000);
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY, variables: { from: from.toISOString(), to: to.toISOString() } }),
  });
  const text = await response.text();
  if (text.includes('"errors"')) throw new Error(`the usage query failed: ${text.slice(0, 500)}`);
  const readings = [...text.matchAll(/"readings":(\d+)/g)].map((m) => Number(m[1]));
  return readings.reduce((n, r) => n + r, 0);
}

interface Run {
  seedSeconds: number;
  firstCustomerSeconds: number;
  loadedSeconds: number;
  readings: number;
}

async function once(): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'usage-portal-first-run-'));
  const port = await freePort();
  const env = {
    ...process.env,
    DATA_DIR: dir,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    JWT_SECRET: 'a-bench-secret-that-is-long-enough-for-hs256',
    // The poll asks four times a second: a customer's budget would refuse it.
    BUDGET_REFILL_PER_SECOND: '100000',
  };
  // The logs (JSON lines) go to stderr.
  const child = spawn('npm', ['start'], { cwd: repo, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env });
  const started = Date.now();
  let seededAt = 0;
  let loadedAt = 0;
  let readings = 0;
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    if (line.includes('demo ODS seeded')) seededAt = Date.now();
    if (line.includes('ODS extract run loaded')) {
      loadedAt = Date.now();
      readings = Number(/"readings":(\d+)/.exec(line)?.[1] ?? 0);
    }
  });
  try {
    const token = execFileSync('node', [join(repo, 'dist/src/cli.js'), 'token', '--role', 'CSR', '--json'], {
      env,
      encoding: 'utf8',
    });
    const bearer = (JSON.parse(token) as { token: string }).token;
    const base = `http://127.0.0.1:${port}`;
    let firstAt = 0;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      if (
        seededAt &&
        !firstAt &&
        (await customerUsage(base, bearer).catch((error: Error) =>
          /query failed/.test(error.message) ? Promise.reject(error) : 0,
        )) > 0
      )
        firstAt = Date.now();
      if (firstAt && loadedAt) break;
      if (Date.now() - started > 30 * 60_000) throw new Error('not loaded within 30 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
    return {
      seedSeconds: (seededAt - started) / 1000,
      firstCustomerSeconds: (firstAt - seededAt) / 1000,
      loadedSeconds: (loadedAt - seededAt) / 1000,
      readings,
    };
  } finally {
    process.kill(-(child.pid as number), 'SIGINT');
    await new Promise((r) => child.on('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs: Run[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const run = await once();
    runs.push(run);
    process.stdout.write(
      `run ${i + 1}: seeded in ${run.seedSeconds.toFixed(1)} s; after the seed: first customer's usage in ${run.firstCustomerSeconds.toFixed(1)} s (target 15), ` +
        `the whole year loaded in ${run.loadedSeconds.toFixed(1)} s (target 90): ${run.readings.toLocaleString('en-US')} readings, ${Math.round(run.readings / run.loadedSeconds).toLocaleString('en-US')} readings/s\n`,
    );
  }
  const median = (key: keyof Run) => [...runs].map((r) => r[key]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  if (runs.length > 1)
    process.stdout.write(
      `median: first customer ${median('firstCustomerSeconds').toFixed(1)} s, whole year ${median('loadedSeconds').toFixed(1)} s\n`,
    );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
