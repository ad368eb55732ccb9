import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres, type PostgresServer } from '../src/db/embedded-postgres';

// Helpers the benchmarks share: a timed child process with its peak RSS, a fresh database, psql.

export interface Timed {
  seconds: number;
  maxRssMb: number;
  /** user + system CPU of the process and the children it waited for. */
  cpuSeconds: number;
  stdout: string;
  stderr: string;
}

/** GNU time's report, appended to the command's stderr. */
export const TIME_FORMAT = 'maxrss=%M cpu=%U+%S';

export function timeReport(stderr: string): { maxRssMb: number; cpuSeconds: number } {
  const rss = /maxrss=(\d+)/.exec(stderr);
  const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(stderr);
  return { maxRssMb: rss ? Number(rss[1]) / 1024 : NaN, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN };
}

/** Runs a command under GNU time for its peak RSS; fails loudly rather than report a figure for a failed run. */
export function timed(command: string, argv: string[], env: Record<string, string>): Timed {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', TIME_FORMAT, command, ...argv], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 << 20,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${command} ${argv.join(' ')} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  return { seconds, ...timeReport(r.stderr), stdout: r.stdout, stderr: r.stderr };
}

export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function psql(url: string, command: string): Timed {
  return timed('/usr/bin/psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', command], {});
}

/**
 * Runs `body` with a scratch folder and a PostgreSQL server URL: BENCH_DATABASE_URL when set, else an embedded server
 * in the scratch folder, or in `pgDir`, which is kept for a later run. The scratch folder is gone afterwards.
 */
export async function withBenchServer<T>(
  name: string,
  body: (work: string, serverUrl: string) => Promise<T>,
  pgDir?: string,
): Promise<T> {
  const work = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  let embedded: PostgresServer | undefined;
  try {
    let serverUrl = process.env.BENCH_DATABASE_URL;
    if (!serverUrl) {
      embedded = await startEmbeddedPostgres({
        dataDir: pgDir ?? join(work, 'pg'),
        port: 55000 + (process.pid % 5000),
        logger: pino({ level: 'warn' }),
      });
      serverUrl = embedded.serverUrl;
    }
    return await body(work, serverUrl);
  } finally {
    await embedded?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
