import { UnrecoverableError, type Job } from 'bullmq';
import { importFile } from '../services/import/import-file';
import { moveToLoaded, moveToRejected, wasMovedToLoaded } from '../services/import/files';
import type { ImportJobData } from './import-queue';
import type { JobHandler } from './workers';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Loads one file. A bad file fails for good (UnrecoverableError) and, from the inbox, moves to rejected/ with its
 * reason; anything else (PostgreSQL restarting, a lost connection) is thrown as is, and BullMQ retries it with
 * exponential backoff: the load is one transaction, so a retry starts from a clean slate.
 */
export const importJob: JobHandler = async (job: Job<ImportJobData>, { dataSource, config, logger }) => {
  const { path, source, force, fallbackZone, inbox } = job.data;
  let result;
  try {
    result = await importFile(dataSource, {
      path,
      source,
      force,
      fallbackZone: fallbackZone ?? config.defaultTimeZone,
      jobId: job.id,
      logger,
      onProgress: (progress) => void job.updateProgress({ ...progress }).catch(() => undefined),
    });
  } catch (error) {
    // An earlier attempt loaded and moved the file, then died before BullMQ heard of it.
    if (isMissing(error) && inbox && (await wasMovedToLoaded(path))) return { file: path, status: 'loaded', moved: true };
    if (isMissing(error)) throw new UnrecoverableError(`${path}: no such file`);
    throw error;
  }
  if (result.status === 'rejected') {
    const movedTo = inbox ? await moveToRejected(path, result.errors) : undefined;
    if (movedTo) await job.updateData({ ...job.data, rejectedTo: movedTo });
    logger.warn({ file: path, batchId: result.batchId, movedTo, errors: result.errors.slice(0, 5) }, 'file rejected');
    throw new UnrecoverableError(`${path} rejected: ${result.errors[0] ?? 'no reason given'}`);
  }
  const movedTo = inbox ? await moveToLoaded(path) : undefined;
  return { ...result, movedTo };
};
