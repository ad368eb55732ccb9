import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { importEspiAtom, importGreenButtonCsv, type Diagnostic, type LinkedFeed } from '../../espi';
import { ensureIntervalPartitions } from '../partitions';
import { checksumLockKey, closeBatch, findLoaded, finishBatch, startBatch } from './batch';
import { sha256File } from './checksum';
import { upsertCustomers } from './customers';
import { refreshRollups } from './rollups';
import { setBlockOwners, upsertReadings } from './readings';
import { externalIdOf, upsertSeries } from './series';
import { createStaging, StagingWriter, type StagedBlock } from './staging';
import { upsertSummaries } from './summaries';
import type { ImportFileOptions, ImportProgress, ImportResult } from './types';

const PROGRESS_INTERVAL_MS = 250;
const LOAD_WORK_MEM = '256MB';
export const DEFAULT_SOURCE_SYSTEM = 'espi';

const describe = (d: Diagnostic) => `${d.code}: ${d.message}${d.line ? ` (line ${d.line})` : ''}`;

function emptyResult(path: string, checksum: string): ImportResult {
  return {
    file: path,
    status: 'loaded',
    batchId: null,
    checksum,
    usagePoints: 0,
    meterReadings: 0,
    readings: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    warnings: [],
    errors: [],
    timings: {},
  };
}

async function* counted(path: string, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    onBytes((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

/** XML (ESPI Atom) or not (Green Button CSV), told by the first non-blank character. */
async function sniffXml(path: string): Promise<boolean> {
  for await (const chunk of createReadStream(path, { start: 0, end: 1023 })) {
    const text = (chunk as Buffer).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return text.startsWith('<');
  }
  return true; // empty: the reader reports xml-empty
}

/**
 * Loads one ESPI file into the portal database: stream-parse into a staging table, link, then one set-based upsert,
 * revisions, rollups and the batch row, all in one transaction. A crash or a fault rolls the whole file back and the
 * retry starts over; the same bytes loaded twice are a no-op unless forced.
 */
export async function importFile(dataSource: DataSource, options: ImportFileOptions): Promise<ImportResult> {
  const { path, logger } = options;
  const sourceSystem = options.sourceSystem ?? DEFAULT_SOURCE_SYSTEM;
  const fallbackZone = options.fallbackZone ?? 'UTC';
  const started = Date.now();
  const timings: Record<string, number> = {};
  let mark = started;
  const lap = (name: string) => {
    const now = Date.now();
    timings[name] = now - mark;
    mark = now;
  };

  const total = (await stat(path)).size;
  const progress: ImportProgress = { readings: 0, bytes: 0, total, phase: 'checksum' };
  let lastReport = 0;
  const report = (force = false) => {
    if (!options.onProgress || (!force && Date.now() - lastReport < PROGRESS_INTERVAL_MS)) return;
    lastReport = Date.now();
    options.onProgress({ ...progress });
  };
  report(true);
  const checksum = await sha256File(path);
  lap('checksum');
  const result = emptyResult(path, checksum);
  result.timings = timings;

  const runner = dataSource.createQueryRunner();
  await runner.connect();
  // The pg client under TypeORM: COPY needs it, and the load's statements gain nothing from the ORM.
  const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
  let batchId: string | null = null;
  try {
    await runner.startTransaction();
    // The delta join against stored readings and the rollups' sort hash or sort millions of rows: at the default
    // 4 MB they spill to temporary files in many batches.
    await client.query(`SET LOCAL work_mem = '${LOAD_WORK_MEM}'`);
    // Held until commit: the same file is never loaded twice at once, whichever process or queue asks.
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [checksumLockKey(checksum)]);
    const loadedIn = await findLoaded(client, checksum);
    if (loadedIn && !options.force && !options.dryRun) {
      await runner.rollbackTransaction();
      result.warnings.push(`already loaded in batch ${loadedIn} (same sha256); use --force to reload`);
      result.batchId = loadedIn;
      return result;
    }
    if (!options.dryRun) {
      batchId = await startBatch(dataSource, { source: options.source, fileName: basename(path), checksum, forced: !!loadedIn, jobId: options.jobId });
      result.batchId = batchId;
    }

    await createStaging(client);
    const format = (await sniffXml(path)) ? 'espi-atom' : 'green-button-csv';
    const staged = await stage(client, path, { sourceSystem, fallbackZone, format, progress, report });
    lap('parse');
    const feed = staged.feed;
    for (const d of feed?.diagnostics ?? []) (d.severity === 'error' ? result.errors : result.warnings).push(describe(d));
    if (feed.fileRejected) {
      await runner.rollbackTransaction();
      result.status = 'rejected';
      if (batchId) await closeBatch(dataSource, batchId, 'rejected', result);
      return result;
    }

    progress.phase = 'write';
    report(true);
    // Partitions first, in their own short transactions: attaching one takes SHARE UPDATE EXCLUSIVE on
    // interval_reading, which other loads' attaches wait for, so it must not be held for the whole load.
    const range = readingRange(feed);
    if (range) await ensureIntervalPartitions(dataSource, range.from, range.to);
    await lockUsagePoints(client, feed, sourceSystem);
    const series = await upsertSeries(client, feed, sourceSystem, fallbackZone);
    result.warnings.push(...series.warnings);
    const owners = [...feed.blockOwner].map(([block, mr]) => ({ block, ...(series.meterReadingIds.get(mr) as { usagePointId: string; meterReadingId: string }) }));
    await setBlockOwners(client, owners);
    const counts = await upsertReadings(client, batchId, loadedIn ? 'reimport' : 'correction', owners, staged.blocks);
    lap('upsert');
    result.warnings.push(...(await upsertSummaries(client, feed.summaries, series.usagePointIds, batchId)));
    result.warnings.push(...(await upsertCustomers(client, feed, sourceSystem)));
    result.usagePoints = feed.usagePoints.length;
    result.meterReadings = feed.meterReadings.length;
    result.readings = counts.staged - counts.dropped;
    result.inserted = counts.inserted;
    result.updated = counts.updated;
    result.unchanged = result.readings - counts.inserted - counts.updated;
    result.rejected = counts.dropped + staged.withoutValue;
    if (options.dryRun) {
      await runner.rollbackTransaction();
      result.status = 'dry-run';
      return result;
    }
    await refreshRollups(client, counts.spans);
    lap('rollups');
    await finishBatch(client, batchId as string, result);
    await runner.commitTransaction();
    lap('commit');
    timings.total = Date.now() - started;
    logger.info({ file: path, batchId, ...counts, spans: counts.spans.length, timings }, 'file loaded');
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    if (batchId) {
      await closeBatch(dataSource, batchId, 'failed', { warnings: result.warnings, errors: [(error as Error).message] }).catch((e) =>
        logger.warn({ err: e, batchId }, 'could not mark the batch failed; the next attempt resumes it'),
      );
    }
    throw error;
  } finally {
    progress.phase = 'done';
    report(true);
    await runner.release();
  }
}

interface StageContext {
  sourceSystem: string;
  fallbackZone: string;
  /** XML is read as ESPI Atom; anything else as Green Button CSV, whose local times are in fallbackZone. */
  format: 'espi-atom' | 'green-button-csv';
  progress: ImportProgress;
  report: () => void;
}

/** Parses the file into import_staging as it streams; resolves with the linked feed (which blocks to keep). */
async function stage(client: PoolClient, path: string, ctx: StageContext): Promise<{ feed: LinkedFeed; withoutValue: number; blocks: Map<number, StagedBlock> }> {
  const { progress, report } = ctx;
  progress.phase = 'parse';
  const writer = new StagingWriter(client);
  const bytes = counted(path, (n) => (progress.bytes += n));
  let feed: LinkedFeed | undefined;
  try {
    const events =
      ctx.format === 'espi-atom'
        ? importEspiAtom(bytes, { source: ctx.sourceSystem, fallbackZone: ctx.fallbackZone })
        : importGreenButtonCsv(bytes, { source: ctx.sourceSystem, zone: ctx.fallbackZone });
    for await (const event of events) {
      if (event.type === 'readings') {
        await writer.write(event.block.ordinal, event.readings);
        progress.readings += event.readings.length;
        report();
      } else if (event.type === 'linked') {
        feed = event.feed;
      }
    }
  } finally {
    await writer.end();
  }
  if (!feed) throw new Error(`the ${ctx.format} reader ended without its linked feed`);
  return { feed, withoutValue: writer.withoutValue, blocks: writer.blocks };
}

/**
 * Per-usage-point locks, taken in one sorted pass: two loads sharing usage points queue behind each other instead of
 * deadlocking on their rows, and loads of unrelated usage points run in parallel.
 */
async function lockUsagePoints(client: PoolClient, feed: LinkedFeed, sourceSystem: string): Promise<void> {
  const keys = feed.usagePoints.map((up) => `${sourceSystem}|${externalIdOf(up, sourceSystem)}`);
  await client.query(
    `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(x, 1764300000) AS k FROM unnest($1::text[]) x ORDER BY 1) s`,
    [keys],
  );
}

/** The UTC range the file's readings cover, for the partitions they need. */
function readingRange(feed: LinkedFeed): { from: Date; to: Date } | undefined {
  let from = Infinity;
  let to = -Infinity;
  for (const mr of feed.meterReadings) {
    if (mr.firstStart !== undefined) from = Math.min(from, mr.firstStart);
    if (mr.lastEnd !== undefined) to = Math.max(to, mr.lastEnd);
  }
  return from <= to ? { from: new Date(from * 1000), to: new Date(to * 1000 + 1000) } : undefined;
}
