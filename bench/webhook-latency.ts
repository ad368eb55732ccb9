import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { runMigrations } from '../src/db/migrate';
import { createQueueBackend } from '../src/jobs/backend';
import { jobHandlers } from '../src/jobs/handlers';
import { closeQueues, openQueues } from '../src/jobs/queues';
import { NotificationListener } from '../src/db/notification-listener';
import { RECENT_JOBS_KEPT, wakeOnNotify } from '../src/jobs/queue-waker';
import { EVENT_CHANNEL } from '../src/services/webhooks/relay';
import { registerSchedules } from '../src/jobs/schedules';
import { startWorkers } from '../src/jobs/workers';
import { createLogger } from '../src/logger';
import { createPortalMetrics } from '../src/metrics/portal-metrics';
import { WEBHOOK_RELAY } from '../src/queue/job-data';
import { importFile } from '../src/services/import/import-file';
import { writeFeed } from '../test/import/feed';
import { createDatabase, withBenchServer } from './support';

/**
 * From a load's commit to its webhook's arrival at a local receiver: N small loads (four new quarter-hours of one
 * usage point each), one at a time, each waited for, with a worker of this process (the `worker` role's queues,
 * workers and schedules, on the PostgreSQL queue backend, or Redis with --redis) relaying and delivering. Three ways
 * of waking the relay, each on a database of its own, in this invocation:
 *   scheduler: only the relay's Job Scheduler (every 5 s), the baseline;
 *   enqueue:   the loader adds a relay job right after its commit (what a load job could do);
 *   listen:    the product: the process's notification listener hears event_outbox's NOTIFY and the queue waker adds
 * the relay job. Prints median, p99 and max per way, and each median against the baseline's. Loads start 0–5 s apart,
 * at random.
 *
 *   node dist/bench/webhook-latency.js [--loads 40] [--redis redis://127.0.0.1:6379]
 * Uses BENCH_DATABASE_URL (a server URL) when set, else starts an embedded PostgreSQL in the temp folder.
 */

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const LOADS = Number(args.get('loads') ?? 40);
const REDIS = args.get('redis');
const START = Date.UTC(2024, 0, 1, 5) / 1000;
const logger = createLogger('warn');

type Way = 'scheduler' | 'enqueue' | 'listen';

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** Latencies (ms) of LOADS loads relayed the given way. */
async function measure(way: Way, serverUrl: string, work: string): Promise<number[]> {
  const arrivals = new Map<string, number>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      arrivals.set((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id, performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const url = await createDatabase(serverUrl, `bench_webhooks_${way}`);
  const config = loadConfig({
    DATABASE_URL: url,
    WEBHOOK_URLS: hook,
    QUEUE_PREFIX: `bench-webhooks-${way}-${process.pid}`,
    DATA_DIR: work,
    ...(REDIS ? { REDIS_URL: REDIS } : {}),
  });
  const dataSource = createDataSource(url, { poolSize: 6, applicationName: `bench-webhooks-${way}` });
  await dataSource.initialize();
  await runMigrations(dataSource, logger);
  await dataSource.query(
    `INSERT INTO webhook_endpoint (url, events, secret) VALUES ($1, '{USAGE_LOADED}', 'whsec_bench')`,
    [hook],
  );
  const backend = createQueueBackend(config, url);
  await backend.prepare();
  const queues = openQueues(backend);
  const workers = startWorkers(
    backend,
    jobHandlers,
    { dataSource, config, logger, queues, backend },
    createPortalMetrics(),
  );
  await registerSchedules(queues, config, logger);
  const listener = way === 'listen' ? new NotificationListener(url, logger, 'bench-webhooks-listen') : undefined;
  if (listener) {
    wakeOnNotify(
      listener,
      EVENT_CHANNEL,
      () => queues.webhooks.add(WEBHOOK_RELAY, {}, RECENT_JOBS_KEPT),
      logger,
      'webhook relay',
    );
    await listener.start();
  }
  const latencies: number[] = [];
  try {
    for (let i = 0; i < LOADS; i++) {
      const feed = writeFeed(join(work, `${way}-${i}.xml`), {
        usagePoints: [1],
        start: START + i * 3600,
        count: 4,
        value: (_, n) => n + i,
      });
      const result = await importFile(dataSource, { path: feed, source: 'cli', logger });
      const committed = performance.now();
      if (way === 'enqueue') await queues.webhooks.add(WEBHOOK_RELAY, {});
      const [{ id }] = (await dataSource.query(`SELECT id::text FROM event_outbox WHERE batch_id = $1`, [
        result.batchId,
      ])) as { id: string }[];
      while (!arrivals.has(id)) await new Promise((resolve) => setTimeout(resolve, 2));
      latencies.push((arrivals.get(id) as number) - committed);
      // Loads come at no fixed phase of the scheduler's 5 s: right after a receipt, the next load would always commit
      // just after the tick that delivered the last one.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5000));
    }
  } finally {
    await listener?.stop();
    await workers.close(10_000);
    for (const queue of Object.values(queues)) await queue.obliterate({ force: true }).catch(() => undefined);
    await closeQueues(queues);
    await backend.close();
    await dataSource.destroy();
    receiver.close();
  }
  return latencies;
}

async function main(): Promise<void> {
  await withBenchServer('webhooks', async (work, serverUrl) => {
    const results = new Map<Way, number[]>();
    for (const way of ['scheduler', 'enqueue', 'listen'] as const)
      results.set(way, await measure(way, serverUrl, work));
    const baseline = quantile(results.get('scheduler') as number[], 0.5);
    console.log(`commit → webhook receipt, ${LOADS} loads each, queues on ${REDIS ? 'Redis' : 'PostgreSQL'} (ms)`);
    console.log('way        median      p99      max   median vs scheduler');
    for (const [way, xs] of results) {
      const [median, p99, max] = [quantile(xs, 0.5), quantile(xs, 0.99), Math.max(...xs)];
      console.log(
        `${way.padEnd(9)} ${median.toFixed(1).padStart(7)} ${p99.toFixed(1).padStart(8)} ${max.toFixed(1).padStart(8)}   ${(median / baseline).toFixed(3)}×`,
      );
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
