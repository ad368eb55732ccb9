import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../src/auth/roles';
import { mintToken } from '../src/auth/tokens';

// One build's `usage-portal api` as a child process of bench/api, and what the bench reads of it from outside.

export const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-signing';
export const tokenConfig = { jwt: { secret: JWT_SECRET, maxTtlSeconds: 3600 }, dataDir: tmpdir() };

/** A build whose API is measured: ours, or another checkout's dist/ (`--baseline`). */
export interface Build {
  label: 'ours' | 'baseline';
  cli: string;
  /** Where V8 CPU profiles of its API processes go (--cpu-prof, our build only). */
  cpuProfDir?: string;
}

export interface Api {
  url: string;
  pid: number;
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/**
 * Runs `body` against a fresh `usage-portal api` of `build` on `databaseUrl`, with both caches at `cacheMb` (the
 * deployed 64, or 0: every answer computed), and stops the process afterwards, whatever happened.
 */
export async function withApi<T>(
  build: Build,
  databaseUrl: string,
  cacheMb: number,
  work: string,
  body: (api: Api) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const profile = build.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${build.cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...profile, build.cli, 'api'], {
    // The same environment for both builds' CLIs.
    env: {
      ...process.env,
      // As deployed: graphql-js skips its development-only checks, introspection is off.
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      // The bench migrated its database with our build; the baseline's API must not be what changes it.
      MIGRATE_ON_START: 'false',
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET,
      LOG_LEVEL: 'warn',
      USAGE_CACHE_MB: String(cacheMb),
      ANSWER_CACHE_MB: String(cacheMb),
      // A few bench customers ask hundreds of times a second, which no customer does: budgets are still charged on
      // every request, but never run out, so no figure is a 429's.
      BUDGET_POINTS: '100000000',
      BUDGET_REFILL_PER_SECOND: '10000000',
      DATA_DIR: mkdtempSync(join(work, 'api-data-')),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((done) => child.once('exit', done));
  try {
    const url = `http://127.0.0.1:${port}`;
    await ready(url, exited);
    return await body({ url, pid: child.pid as number });
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  }
}

async function ready(url: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 600 && !gone; i += 1) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(gone ? 'usage-portal api exited before it was ready' : 'usage-portal api did not become ready');
}

/** CPU seconds (user + system) a process has used so far, from /proc: what a request costs whatever else runs. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

type CacheName = 'answer' | 'usage';

/** Hits and misses so far of each of the API's caches its /metrics reports (a build may have fewer caches). */
export type CacheLookups = Partial<Record<CacheName, { hit: number; miss: number }>>;

/** The share of lookups that hit, per cache that had lookups. */
export type HitRatios = Partial<Record<CacheName, number>>;

export async function cacheLookups(api: Api): Promise<CacheLookups> {
  const token = await mintToken(tokenConfig, { role: Role.OPS, ttlSeconds: 600 });
  const text = await (await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const lookups: CacheLookups = {};
  for (const cache of ['answer', 'usage'] as const) {
    const count = (result: string) =>
      new RegExp(`usage_portal_${cache}_cache_lookups_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1];
    const hit = count('hit');
    if (hit !== undefined) lookups[cache] = { hit: Number(hit), miss: Number(count('miss') ?? 0) };
  }
  return lookups;
}

/** The hit ratios of the lookups between two readings. */
export function hitRatios(before: CacheLookups, after: CacheLookups): HitRatios {
  const ratios: HitRatios = {};
  for (const cache of ['answer', 'usage'] as const) {
    const [b, a] = [before[cache], after[cache]];
    if (!b || !a) continue;
    const hits = a.hit - b.hit;
    const lookups = hits + a.miss - b.miss;
    if (lookups > 0) ratios[cache] = hits / lookups;
  }
  return ratios;
}
