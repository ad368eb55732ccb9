import type { JobsOptions, JobType, Queue } from 'bullmq';
import type { QueueBackend } from './backend';

/** One queue per concern, so ops can pause imports without stopping partition maintenance, and scale them apart. */
export const QUEUE_NAMES = ['imports', 'ods-extract', 'maintenance', 'cim-replies'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  // Bounded retention: enough history for ops to look back a week, never an ever-growing queue.
  removeOnComplete: { age: 7 * 24 * 3600, count: 1_000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 5_000 },
};

export type Queues = Record<QueueName, Queue>;

/**
 * Every state a job count is asked for. Named explicitly: without arguments the PostgreSQL backend leaves out
 * `paused`, where it counts the waiting jobs of a paused queue (BullMQ's types do not list it).
 */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused', 'completed', 'failed'] as const;
export type JobStateName = (typeof JOB_STATES)[number];

export function countJobs(queue: Queue): Promise<Record<string, number>> {
  return queue.getJobCounts(...(JOB_STATES as readonly string[] as JobType[]));
}

/** Minutes of per-minute job counts the workers record per queue (BullMQ metrics): the longest throughput window. */
export const QUEUE_METRICS_MINUTES = 24 * 60;

export function openQueues(backend: QueueBackend): Queues {
  const queues = {} as Queues;
  for (const name of QUEUE_NAMES) {
    queues[name] = new backend.Queue(name, {
      connection: backend.connection as never,
      prefix: backend.prefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
  }
  return queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
