import type { JobsOptions, Queue } from 'bullmq';
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
