import type { Job, Queue } from 'bullmq';
import { IMPORT_FILE, importDeduplicationId, type ImportJobData } from '../queue/job-data';
import { sha256File } from '../services/import/checksum';

/**
 * Enqueues the load of one file. The deduplication id is the file's sha256: while a job for these bytes is waiting
 * or running, asking again (a second scan, a second click) returns that job instead of a new one.
 */
export async function enqueueImport(queue: Queue, data: ImportJobData, checksum?: string): Promise<Job<ImportJobData>> {
  const id = checksum ?? (await sha256File(data.path));
  return queue.add(IMPORT_FILE, data, { deduplication: { id: importDeduplicationId(id) } });
}
