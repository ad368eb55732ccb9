import type { Queue } from 'bullmq';
import type { CimEnvelope } from '../cim';
import type { ImportSource } from '../entities';
import { sha256File } from '../services/import/checksum';

export const IMPORT_FILE = 'import-file';

export interface ImportJobData {
  path: string;
  source: ImportSource;
  force?: boolean;
  fallbackZone?: string;
  /** The file sits in the inbox: move it to loaded/ or rejected/ once decided. */
  inbox?: boolean;
  /** Where a rejected inbox file went, so that a retry can put it back once fixed there. */
  rejectedTo?: string;
  /** The API request that asked for the load, so the logs lead from the request to the job and its batch. */
  requestId?: string;
  /**
   * A message received on /cim, spooled to `path`: the file is deleted once the load is decided, and the outcome is
   * posted to `replyAddress` when the sender asked for an asynchronous reply.
   */
  cim?: { request: Pick<CimEnvelope, 'header' | 'soap'>; replyAddress?: string };
}

/** Shared by every job for the same bytes: see enqueueImport, and superseded-failures.ts. */
export const importDeduplicationId = (checksum: string) => `import:${checksum}`;

/**
 * Enqueues the load of one file. The deduplication id is the file's sha256: while a job for these bytes is waiting
 * or running, asking again (a second scan, a second click) returns that job instead of a new one.
 */
export async function enqueueImport(queue: Queue, data: ImportJobData, checksum?: string) {
  const id = checksum ?? (await sha256File(data.path));
  return queue.add(IMPORT_FILE, data, { deduplication: { id: importDeduplicationId(id) } });
}
