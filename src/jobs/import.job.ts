import { rm } from 'node:fs/promises';
import { UnrecoverableError, type Job } from 'bullmq';
import { responseTo, loadReply } from '../services/cim/replies';
import { importFile } from '../services/import/import-file';
import { moveToLoaded, moveToRejected, wasMovedToLoaded } from '../services/import/files';
import { enqueueCimReply } from './cim-reply.job';
import type { ImportJobData } from '../queue/job-data';
import { removeSupersededFailures } from './superseded-failures';
import type { ImportResult } from '../services/import/types';
import type { JobDeps } from './workers';
import type { JobHandler } from './workers';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Loads one file. A bad file fails for good (UnrecoverableError) and, from the inbox, moves to rejected/ with its
 * reason; anything else (PostgreSQL restarting, a lost connection) is thrown as is, and BullMQ retries it with
 * exponential backoff: the load is one transaction, so a retry starts from a clean slate.
 */
export const importJob: JobHandler = async (job: Job<ImportJobData>, deps) => {
  const { dataSource, config, logger } = deps;
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
    if (isMissing(error) && inbox && (await wasMovedToLoaded(path)))
      return { file: path, status: 'loaded', moved: true };
    if (isMissing(error)) throw new UnrecoverableError(`${path}: no such file`);
    throw error;
  }
  if (job.data.cim) await settleCimMessage(job.data, result, deps);
  if (result.status === 'rejected') {
    const movedTo = inbox ? await moveToRejected(path, result.errors) : undefined;
    if (movedTo) await job.updateData({ ...job.data, rejectedTo: movedTo });
    logger.warn({ file: path, batchId: result.batchId, movedTo, errors: result.errors.slice(0, 5) }, 'file rejected');
    throw new UnrecoverableError(`${path} rejected: ${result.errors[0] ?? 'no reason given'}`);
  }
  const movedTo = inbox ? await moveToLoaded(path) : undefined;
  // The load has committed: tidying the failed list must not fail (and so retry) it.
  await removeSupersededFailures(deps.queues.imports, job, result.checksum, logger).catch((error) =>
    logger.warn({ err: error }, 'superseded failed jobs not removed'),
  );
  return { ...result, movedTo };
};

/** The sender of a /cim push hears the outcome when it asked for an async reply; the spooled body is not needed any more. */
async function settleCimMessage(data: ImportJobData, result: ImportResult, { queues }: JobDeps): Promise<void> {
  const { request, replyAddress } = data.cim as NonNullable<ImportJobData['cim']>;
  if (replyAddress) {
    await enqueueCimReply(queues, {
      kind: 'message',
      address: replyAddress,
      message: responseTo(request, loadReply(result)),
    });
  }
  await rm(data.path, { force: true });
}
