import type { Job, JobType, Queue } from 'bullmq';

/** One queue per concern, so ops can pause imports without stopping partition maintenance, and scale them apart. */
export const QUEUE_NAMES = ['imports', 'ods-extract', 'maintenance', 'cim-replies', 'alerts', 'webhooks'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export type Queues = Record<QueueName, Queue>;

/**
 * Every state a job count is asked for. Named explicitly: without arguments the PostgreSQL backend leaves out
 * `paused`, where it counts the waiting jobs of a paused queue (BullMQ's types do not list it).
 */
export const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'paused',
  'completed',
  'failed',
] as const;
export type JobStateName = (typeof JOB_STATES)[number];

export function countJobs(queue: Queue): Promise<Record<string, number>> {
  return queue.getJobCounts(...(JOB_STATES as readonly string[] as JobType[]));
}

/** Minutes of per-minute job counts the workers record per queue (BullMQ metrics): the longest throughput window. */
export const QUEUE_METRICS_MINUTES = 24 * 60;

/** The PostgreSQL schema of the BullMQ tables when the queues run on PostgreSQL. */
export const BULLMQ_PG_SCHEMA = 'bullmq';

/** Every job of `queue` in `states`, read a page at a time (a failed list can hold thousands). */
export async function* jobsIn<T = unknown>(queue: Queue, states: JobType[], pageSize = 500): AsyncGenerator<Job<T>> {
  for (let start = 0; ; start += pageSize) {
    const page = (await queue.getJobs(states, start, start + pageSize - 1)).filter(Boolean) as Job<T>[];
    yield* page;
    if (page.length < pageSize) return;
  }
}
