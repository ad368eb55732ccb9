import type { JobsOptions } from 'bullmq';
import { QUEUE_NAMES, type Queues } from '../queue/queues';
import type { QueueBackend } from './backend';

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  // Bounded retention: enough history for ops to look back a week, never an ever-growing queue.
  removeOnComplete: { age: 7 * 24 * 3600, count: 1_000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 5_000 },
};

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
