import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isInProgressName } from '../services/import/files';
import { enqueueImport } from './import-queue';
import type { JobHandler } from './workers';

// Writers that do not follow the write-then-rename convention (isInProgressName): a file modified in the last few
// seconds is left for the next scan.
export const INBOX_SETTLE_MS = 5_000;

/** Enqueues one import per complete file in the inbox; the import job moves each file out once it is decided. */
export const inboxScanJob: JobHandler = async (_job, { config, queues, logger }) => {
  await mkdir(config.inboxDir, { recursive: true });
  const enqueued: string[] = [];
  const settling: string[] = [];
  for (const entry of await readdir(config.inboxDir, { withFileTypes: true })) {
    if (!entry.isFile() || isInProgressName(entry.name)) continue;
    const path = join(config.inboxDir, entry.name);
    try {
      if (Date.now() - (await stat(path)).mtimeMs < INBOX_SETTLE_MS) {
        settling.push(entry.name);
        continue;
      }
      await enqueueImport(queues.imports, { path, source: 'file', inbox: true });
      enqueued.push(entry.name);
    } catch (error) {
      // Moved out by the import job that just finished it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  if (enqueued.length || settling.length) logger.info({ inbox: config.inboxDir, enqueued, settling }, 'inbox scanned');
  return { enqueued, settling };
};
