import { odsUrlFor } from '../ods/database';
import type { ExtractJobData } from '../queue/job-data';
import { DirectoryDelivery } from '../ods/delivery';
import { extractAndLoad } from '../services/extract/extract-and-load';
import type { JobHandler } from './workers';

/**
 * The scheduled (or requested) ODS extract-and-load. Faults are thrown as they are (an ODS or portal connection lost,
 * the demo ODS still being seeded): BullMQ retries with exponential backoff, and as the watermark only advances after
 * the loads committed, a retry re-extracts the same range.
 */
export const extractJob: JobHandler = async (job, { dataSource, config, logger }) => {
  const odsUrl = odsUrlFor(config, (dataSource.options as { url: string }).url);
  if (!odsUrl) return { skipped: 'no ODS: ODS_DATABASE_URL is unset and DATABASE_URL names an external server' };
  const { since } = job.data as ExtractJobData;
  const result = await extractAndLoad(dataSource, {
    odsUrl,
    outboxDir: config.outboxDir,
    delivery: new DirectoryDelivery(config.inboxDir),
    since: since ? new Date(since) : undefined,
    jobId: job.id,
    logger,
    onProgress: (p) => void job.updateProgress({ phase: p.phase, files: p.files, filesTotal: p.filesTotal, readings: p.readings, readingsTotal: p.readingsTotal }).catch(() => undefined),
  });
  // The per-file details stay in import_batch; the job keeps the totals.
  const total = (key: 'readings' | 'inserted' | 'updated' | 'unchanged') => result.files.reduce((n, f) => n + f[key], 0);
  return { manifest: result.manifest, watermark: result.watermark, files: result.files.length, readings: total('readings'), inserted: total('inserted'), updated: total('updated'), unchanged: total('unchanged') };
};
