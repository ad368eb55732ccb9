import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { createQueueBackend } from '../src/jobs/backend';
import { ODS_EXTRACT } from '../src/queue/job-data';
import { TIME_FORMAT, timeReport } from './support';

// Stage (c) of bench/batch: one extract run enqueued to two `worker` processes, each under GNU time.

export interface WorkerFigures {
  maxRssMb: number;
  cpuSeconds: number;
}

export interface SharedRun {
  /** From the enqueue (both workers started and ready) to the run's extract_run loaded. */
  seconds: number;
  /** The busier worker first. */
  workers: WorkerFigures[];
}

interface TimedWorker {
  time: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startWorker(cli: string, env: Record<string, string>): TimedWorker {
  const time = spawn('/usr/bin/time', ['-f', TIME_FORMAT, process.execPath, cli, 'worker', '--json'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  time.stdout?.on('data', (chunk) => (out += chunk));
  time.stderr?.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => time.on('exit', (code) => resolve(code)));
  return { time, stdout: () => out, stderr: () => err, exited };
}

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  failed: () => string | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    const failure = failed();
    if (failure) throw new Error(`${what}: ${failure}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * GNU time reports only once its child exits, and dies without reporting if signalled itself: SIGTERM goes to the
 * worker it runs (a graceful stop), found by its parent's pid.
 */
async function stopWorker(worker: TimedWorker): Promise<WorkerFigures> {
  const pid = worker.time.pid as number;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  for (const child of children) process.kill(Number(child), 'SIGTERM');
  const code = await worker.exited;
  if (code !== 0) throw new Error(`worker exited ${code}:\n${worker.stderr().slice(-2000)}`);
  return timeReport(worker.stderr());
}

/**
 * Starts two workers on the portal database (on Redis when `redisUrl` is given), waits until both are ready, enqueues
 * one `ods-extract` job as the API's odsExtractStart does, and times it until its extract_run is loaded. The schedules
 * are pushed out of the way so that the enqueued job is the only work.
 */
export async function sharedRun(
  cli: string,
  env: Record<string, string>,
  portalUrl: string,
  redisUrl?: string,
): Promise<SharedRun> {
  const workerEnv = {
    ...env,
    EXTRACT_CRON: '0 0 1 1 *',
    INBOX_SCAN_CRON: '0 0 1 1 *',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
  const workers = [startWorker(cli, workerEnv), startWorker(cli, workerEnv)];
  const exitedEarly = () =>
    workers
      .map((w) =>
        w.time.exitCode !== null ? `a worker exited ${w.time.exitCode}:\n${w.stderr().slice(-2000)}` : undefined,
      )
      .find(Boolean);
  const portal = new Client({ connectionString: portalUrl });
  await portal.connect();
  try {
    await until('workers ready', () => workers.every((w) => w.stdout().includes('{')), exitedEarly, 120_000);
    const backend = createQueueBackend({ redisUrl, queuePrefix: env.QUEUE_PREFIX ?? 'usage-portal' }, portalUrl);
    const queue = new backend.Queue('ods-extract', { connection: backend.connection as never, prefix: backend.prefix });
    const t0 = process.hrtime.bigint();
    await queue.add(ODS_EXTRACT, {});
    await queue.close();
    await backend.close();
    const loaded = async () => (await portal.query(`SELECT 1 FROM extract_run WHERE status = 'loaded'`)).rowCount === 1;
    await until('the extract run loaded', loaded, exitedEarly, 3 * 3600_000);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    // Busiest first: today one worker runs the whole job and the other stays idle.
    const figures = await Promise.all(workers.map(stopWorker));
    return { seconds, workers: figures.sort((x, y) => y.cpuSeconds - x.cpuSeconds) };
  } finally {
    await portal.end();
    for (const w of workers) if (w.time.exitCode === null) w.time.kill('SIGKILL');
  }
}

/** A throw-away redis-server with the settings the README asks for, on `port`, its files in `dir`. */
export async function startRedis(dir: string, port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const server = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => server.on('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const ping = async () => {
    const client = new IORedis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return true;
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  };
  await until(
    'redis-server answering',
    ping,
    () => (server.exitCode !== null ? `exited ${server.exitCode}` : undefined),
    15_000,
  );
  return {
    url,
    stop: async () => {
      server.kill('SIGTERM');
      await exited;
    },
  };
}
