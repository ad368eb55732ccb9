import type { Job } from 'bullmq';
import type { ExtractJobData, ImportJobData } from './job-data';
import type { Queues } from './queues';

/**
 * What services ask of the queues, implemented over BullMQ in src/jobs/queue-access.ts and handed to them by the
 * composition root (src/http/app.ts), so services never import the job processors that call them.
 */
export interface QueueAccess {
  /** The queues themselves, which the ops API reads (counts, jobs, schedulers, metrics) and controls. */
  readonly queues: Queues;
  /** Enqueues the load of one file, deduplicated by its sha256 (computed when not given). */
  enqueueImport(data: ImportJobData, checksum?: string): Promise<Job<ImportJobData>>;
  enqueueExtract(data: ExtractJobData): Promise<Job<ExtractJobData>>;
}
