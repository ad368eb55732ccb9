import type { Job, Queue } from 'bullmq';
import type { Logger } from '../logger';
import { importDeduplicationId } from '../queue/job-data';
import { jobsIn } from '../queue/queues';

/**
 * Once a file's bytes are loaded, the failed import jobs for the same bytes are no longer a problem: a job killed
 * until BullMQ gave up on it ("stalled more than allowable limit") while a later scan loaded the file, a fault whose
 * retries ran out before someone queued the file again. They are removed, so the failed list that ops alert on and
 * work through holds only what still needs someone. The failed list is bounded (removeOnFail), so the walk is too.
 */
export async function removeSupersededFailures(
  queue: Queue,
  loaded: Job,
  checksum: string,
  logger: Logger,
): Promise<void> {
  const deduplicationId = importDeduplicationId(checksum);
  const superseded: Job[] = [];
  for await (const failed of jobsIn(queue, ['failed'])) {
    if (failed.deduplicationId === deduplicationId && failed.id !== loaded.id) superseded.push(failed);
  }
  for (const failed of superseded) await failed.remove();
  if (superseded.length > 0) {
    logger.info(
      { removed: superseded.map((failed) => ({ jobId: failed.id, failedReason: failed.failedReason })) },
      'failed jobs for the same bytes removed: this load supersedes them',
    );
  }
}
