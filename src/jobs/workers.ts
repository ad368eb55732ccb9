import type { Job, Worker } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { PortalMetrics } from '../metrics/portal-metrics';
import type { QueueBackend } from './backend';
import { QUEUE_METRICS_MINUTES, type QueueName, type Queues } from '../queue/queues';

export interface JobDeps {
  dataSource: DataSource;
  config: Config;
  logger: Logger;
  /** For jobs that enqueue others (the inbox scan enqueues one import per file, the extract its run's flow). */
  queues: Queues;
  backend: QueueBackend;
}

/** `token` is the worker's lock on the job: a flow's parent needs it to wait for children it adds. */
export type JobHandler = (job: Job, deps: JobDeps, token?: string) => Promise<unknown>;
export type JobHandlers = Partial<Record<QueueName, Record<string, JobHandler>>>;

export interface RunningWorkers {
  workers: Worker[];
  close(timeoutMs: number): Promise<void>;
}

function observeDuration(
  metrics: PortalMetrics,
  queue: string,
  job: Job | undefined,
  outcome: 'completed' | 'failed',
): void {
  if (!job?.processedOn || !job.finishedOn) return;
  metrics.jobDuration.observe({ queue, job: job.name, outcome }, (job.finishedOn - job.processedOn) / 1000);
}

/**
 * How fast a job whose worker died (SIGKILL, OOM, a lost host) runs again. The lock is renewed every
 * lockDuration / 2 for as long as the job runs, whatever its file size, so a long load keeps it; a dead worker's
 * lock lapses within LOCK_DURATION_MS, and the next stalled check (every STALLED_INTERVAL_MS, in every live worker,
 * and at a worker's start) hands the job to another worker: within 15 s instead of BullMQ's 30 s + 30 s. A shorter
 * lock would take a job from a live worker whose event loop a large file keeps busy for a few seconds (the load is
 * one transaction, so a job taken twice only costs work). MAX_STALLED_COUNT lets a job survive two kills in a row (a
 * node drained twice during one long load); a third means the job itself kills its worker (out of memory on one
 * file) and it fails for good rather than taking every worker down in turn.
 */
const LOCK_DURATION_MS = 10_000;
const STALLED_INTERVAL_MS = 5_000;
const MAX_STALLED_COUNT = 2;
const WEBHOOK_CONCURRENCY = 16;

export function startWorkers(
  backend: QueueBackend,
  handlers: JobHandlers,
  deps: JobDeps,
  metrics: PortalMetrics,
): RunningWorkers {
  const workers: Worker[] = [];
  for (const [queue, byName] of Object.entries(handlers) as [QueueName, Record<string, JobHandler>][]) {
    const worker = new backend.Worker(
      queue,
      async (job: Job, token?: string) => {
        const handler = byName[job.name];
        if (!handler) throw new Error(`no handler for job "${job.name}" on queue "${queue}"`);
        const { requestId } = (job.data ?? {}) as { requestId?: string };
        const logger = deps.logger.child({
          queue,
          jobId: job.id,
          job: job.name,
          attempt: job.attemptsMade + 1,
          ...(requestId ? { requestId } : {}),
        });
        return handler(job, { ...deps, logger }, token);
      },
      // metrics: BullMQ's per-minute completed/failed counts, which the ops API reads as throughput and failure rate.
      {
        connection: backend.connection as never,
        prefix: backend.prefix,
        // One job at a time per queue, but two extract shards: a shard's writing and its loads leave a core idle
        // at times (a file's commit, the next file's first rows), which a second shard fills. Webhook deliveries
        // mostly wait on receivers: one slow endpoint must not hold up the others.
        concurrency:
          queue === 'ods-extract' ? deps.config.extractConcurrency : queue === 'webhooks' ? WEBHOOK_CONCURRENCY : 1,
        autorun: true,
        metrics: { maxDataPoints: QUEUE_METRICS_MINUTES },
        lockDuration: LOCK_DURATION_MS,
        stalledInterval: STALLED_INTERVAL_MS,
        maxStalledCount: MAX_STALLED_COUNT,
      },
    );
    worker.on('completed', (job) => observeDuration(metrics, queue, job, 'completed'));
    worker.on('failed', (job, error) => {
      observeDuration(metrics, queue, job, 'failed');
      deps.logger.warn({ queue, jobId: job?.id, job: job?.name, err: error }, 'job failed');
    });
    worker.on('error', (error) => deps.logger.error({ queue, err: error }, 'worker error'));
    workers.push(worker);
  }
  return {
    workers,
    async close(timeoutMs: number) {
      // A graceful close lets running jobs finish; past the deadline they are released and another worker retries
      // them once their lock expires, which the idempotent jobs make harmless.
      const graceful = Promise.all(workers.map((w) => w.close()));
      const timer = new Promise<'timeout'>((resolve) => setTimeout(resolve, timeoutMs, 'timeout').unref());
      if ((await Promise.race([graceful, timer])) === 'timeout') {
        deps.logger.warn({ timeoutMs }, 'jobs still running at shutdown deadline: releasing them');
        await Promise.all(workers.map((w) => w.close(true)));
      }
    },
  };
}
