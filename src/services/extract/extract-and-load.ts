import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { faultPoint } from '../../fault-points';
import type { Logger } from '../../logger';
import { PartialFailure } from '../../partial-failure';
import type { Delivery } from '../../ods/delivery';
import { extractToOutbox, type ExtractManifest } from '../../ods/extract';
import { importFile } from '../import/import-file';
import { moveToLoaded, moveToRejected, wasMovedToLoaded } from '../import/files';
import type { ImportProgress, ImportResult } from '../import/types';
import { finishRun, reclaimDeadRuns, registerRun } from './runs';
import { readWatermark } from './watermark';

export interface ExtractRunOptions {
  odsUrl: string;
  outboxDir: string;
  delivery: Delivery;
  since?: Date;
  maxFileBytes?: number;
  maxUsagePointsPerFile?: number;
  jobId?: string;
  logger: Logger;
  onProgress?: (progress: ExtractProgress) => void;
}

export interface ExtractProgress {
  phase: 'extract' | 'load';
  files: number;
  filesTotal: number;
  readings: number;
  readingsTotal: number;
  /** While loading: the file and the loader's own progress. */
  file?: string;
  load?: ImportProgress;
}

/** The CLI's `extract` JSON: import's per-file objects plus the watermark. */
export interface ExtractRunResult {
  files: ImportResult[];
  watermark: { from: string; to: string };
  manifest: string | null;
}

export class ExtractLoadError extends Error {
  override name = 'ExtractLoadError';
  readonly code = 'FILE_REJECTED';
}

/**
 * Steps 1.1–1.3 in one run: extract what changed since the watermark into the outbox, then deliver and load the files
 * one by one, in the manifest's order (usage feeds before the customer feeds that link them), and advance the
 * watermark only once every load committed. A file is delivered just before its load, so the inbox scan can never
 * pick a customer feed ahead of its usage points; if it picks the file being loaded, the checksum lock makes one of
 * the two loads a no-op.
 */
export async function extractAndLoad(dataSource: DataSource, options: ExtractRunOptions): Promise<ExtractRunResult> {
  // One extract at a time (the scheduler's and a CLI's): the second waits, then finds only what is new since.
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [EXTRACT_LOCK]);
    return await extractAndLoadLocked(dataSource, options);
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [EXTRACT_LOCK]).catch(() => undefined);
    await lock.release();
  }
}

const EXTRACT_LOCK = 'usage-portal ods extract';

async function extractAndLoadLocked(dataSource: DataSource, options: ExtractRunOptions): Promise<ExtractRunResult> {
  const { logger } = options;
  await reclaimDeadRuns(dataSource, options.outboxDir, options.delivery, logger);
  const from = await readWatermark(dataSource);
  const ods = new Client({ connectionString: options.odsUrl, application_name: 'usage-portal-extract' });
  // A connection lost mid-query (the server stopping under a shutdown) also rejects that query, which the caller
  // handles; without a listener the same error emitted as an event would crash the process.
  ods.on('error', () => undefined);
  await ods.connect();
  let manifest: ExtractManifest | undefined;
  try {
    manifest = await extractToOutbox(ods, {
      outboxDir: options.outboxDir,
      after: from,
      since: options.since,
      maxFileBytes: options.maxFileBytes,
      maxUsagePointsPerFile: options.maxUsagePointsPerFile,
      logger,
      onProgress: (p) => options.onProgress?.({ phase: 'extract', files: p.files, filesTotal: 0, readings: p.readings, readingsTotal: 0 }),
    });
  } finally {
    await ods.end();
  }
  if (!manifest) {
    logger.info({ watermark: from }, 'ODS extract: nothing changed');
    return { files: [], watermark: { from, to: from }, manifest: null };
  }

  // Known by checksum before any file reaches the inbox: whoever loads one later can tell how old it is.
  await registerRun(dataSource, manifest);
  const results: ImportResult[] = [];
  const manifestPath = `${options.outboxDir}/${manifest.id}.manifest.json`;
  try {
    await deliverAndLoad(dataSource, manifest, options, results);
    faultPoint('extract:before-watermark');
    const to = await finishRun(dataSource, manifest.id, manifest.watermark.to);
    logger.info({ manifest: manifest.id, files: results.length, readings: manifest.totals.readings, watermark: { from, to } }, 'ODS extract loaded');
    return { files: results, watermark: { from, to }, manifest: manifestPath };
  } catch (error) {
    throw new PartialFailure(error, { files: results, watermark: { from, to: from }, manifest: manifestPath });
  }
}

/** One file at a time, in the manifest's order: each is delivered just before its load. */
async function deliverAndLoad(dataSource: DataSource, manifest: ExtractManifest, options: ExtractRunOptions, results: ImportResult[]): Promise<void> {
  const readingsTotal = manifest.totals.readings;
  let readingsDone = 0;
  for (const file of manifest.files) {
    const path = await options.delivery.deliver(`${options.outboxDir}/${file.name}`);
    faultPoint('extract:after-delivery');
    const report = (p?: ImportProgress) =>
      options.onProgress?.({ phase: 'load', files: results.length, filesTotal: manifest.files.length, readings: readingsDone + (p?.readings ?? 0), readingsTotal, file: file.name, load: p });
    const result = await loadDelivered(dataSource, path, options, report, results);
    faultPoint('extract:after-load');
    readingsDone += file.readings;
    report();
    if (result.status === 'rejected') {
      // The codec wrote a file its own reader refuses: a bug, not a transient fault; the watermark stays.
      throw new ExtractLoadError(`${file.name} rejected by the loader: ${result.errors[0] ?? 'no reason given'}`);
    }
  }
}

/** Loads the file, adds its result to `results` (before moving the file: a failed move must not hide a committed load), then moves it. */
async function loadDelivered(dataSource: DataSource, path: string, options: ExtractRunOptions, report: (p: ImportProgress) => void, results: ImportResult[]): Promise<ImportResult> {
  let result: ImportResult;
  try {
    result = await importFile(dataSource, { path, source: 'ods', jobId: options.jobId, logger: options.logger, onProgress: report });
  } catch (error) {
    // The inbox scan's import job loaded and moved it first: the same bytes are in, which is all this run needs.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !(await wasMovedToLoaded(path))) throw error;
    result = alreadyLoaded(path);
    results.push(result);
    return result;
  }
  results.push(result);
  // The rejection is the run's error; a full disk refusing the reason file must not take its place.
  if (result.status === 'rejected') await moveToRejected(path, result.errors).catch((error) => options.logger.warn({ file: path, err: error }, 'could not move the rejected file'));
  else await moveToLoaded(path).catch(async (error) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !(await wasMovedToLoaded(path))) throw error;
  });
  return result;
}

function alreadyLoaded(path: string): ImportResult {
  return { file: path, status: 'loaded', batchId: null, checksum: '', usagePoints: 0, meterReadings: 0, readings: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, warnings: ['loaded by the inbox scan'], errors: [], timings: {} };
}
