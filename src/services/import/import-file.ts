import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { UnknownObject } from '../../cim';
import { importEspiAtom, importGreenButtonCsv, type Diagnostic, type LinkedFeed } from '../../espi';
import { faultPoint } from '../../fault-points';
import { ensureIntervalPartitions } from '../partitions';
import { checksumLockKey, closeBatch, findLoaded, finishBatch, startBatch } from './batch';
import { skippableDigests, storeDigests, unverifiedSkips } from './block-digests';
import { sha256FileOffThread } from './checksum';
import { duplicateAcrossBlocks, linkCim, stageCim } from './cim-load';
import { extractOriginOf, recordExtractSeq, supersededBy } from './extract-origin';
import { upsertCustomers } from './customers';
import { refreshRollups } from './rollups';
import { setBlockOwners, upsertReadings, type BlockOwner } from './readings';
import { externalIdOf, lockUsagePoints, upsertSeries } from './series';
import { copyIntoStaging } from './reading-copy';
import { StagingRefusal } from './reading-tuple';
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

/** The load stopped before the file was parsed (it was loaded already, or a fault ended it). */
class ParseAbandoned extends Error {}

async function* counted(path: string, onBytes: (n: number) => void, signal: AbortSignal): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    if (signal.aborted) throw new ParseAbandoned('parse abandoned');
    onBytes((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

/**
 * Loads one ESPI, Green Button CSV or CIM MeterReadings file into the portal database: stream-parse (the readings
 * wait in the staging writer's spill), link, then one COPY straight into interval_reading on a first load, else a
 * COPY into a staging table and one set-based upsert; revisions, rollups and the batch row, all in one transaction.
 * A crash or a fault rolls the whole file back and the retry starts over; the same bytes loaded twice are a no-op
 * unless forced, and a forced reload stages only the blocks whose stored digest does not vouch for them
 * (block-digests.ts).
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
  const progress: ImportProgress = { readings: 0, bytes: 0, total, phase: 'parse' };
  let lastReport = 0;
  const report = (force = false) => {
    if (!options.onProgress || (!force && Date.now() - lastReport < PROGRESS_INTERVAL_MS)) return;
    lastReport = Date.now();
    options.onProgress({ ...progress });
  };
  report(true);
  const result = emptyResult(path, '');
  result.timings = timings;

  const format = await sniffFormat(path);
  // The parse writes nothing to the database, so it starts at once, while another core computes the checksum that
  // says whether the file is new; a file already loaded stops the parse at its next chunk.
  const hashing = sha256FileOffThread(path).then((checksum) => {
    timings.checksum = Date.now() - started;
    return checksum;
  });
  const abandon = new AbortController();
  const writer = new StagingWriter(options.spillMemoryBytes, options.tempDir);
  const parsing = stage(path, writer, { sourceSystem, fallbackZone, format, progress, report, signal: abandon.signal });
  // Awaited below, or abandoned; a failure meanwhile must not go unhandled.
  parsing.catch(() => undefined);

  const runner = dataSource.createQueryRunner();
  let batchId: string | null = null;
  // Once the batch row exists, every line of this load carries its id, next to the job id and request id bound by
  // the caller: one import can be followed from the request through the job to the batch.
  let log = logger;
  const reject = async (reason?: string) => {
    if (reason) result.errors.unshift(reason);
    await runner.rollbackTransaction();
    result.status = 'rejected';
    if (batchId) await closeBatch(dataSource, batchId, 'rejected', result);
    return result;
  };
  try {
    const checksum = (result.checksum = await hashing);
    await runner.connect();
    // The pg client under TypeORM: COPY needs it, and the load's statements gain nothing from the ORM.
    const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
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
      log = logger.child({ batchId });
      log.info({ file: path, checksum, forced: !!loadedIn }, 'load started');
    }
    await createStaging(client);
    // A reload of the same bytes skips the blocks its earlier loads stored, once their owners confirm them (below).
    const skippable = loadedIn && format !== 'cim' ? await skippableDigests(client, checksum) : new Set<string>();

    let staged: Staged;
    try {
      staged = await parsing;
    } catch (error) {
      if (!(error instanceof StagingRefusal)) throw error;
      return await reject(error.message);
    }
    lap('parse');
    faultPoint('import:after-parse');
    for (const d of staged.diagnostics) (d.severity === 'error' ? result.errors : result.warnings).push(describe(d));
    if (staged.refusal !== undefined) return await reject(staged.refusal || undefined);
    writer.skip(skippable);
    // Linking a CIM message checks its staged readings for two blocks of one series at one instant.
    if (format === 'cim') await copyIntoStaging(client, writer);

    progress.phase = 'write';
    report(true);
    // Partitions first, in their own short transactions: attaching one locks meter_reading against writers, so it
    // must not wait inside a load that already wrote there, and must not hold its lock for the whole load.
    if (staged.range) await ensureIntervalPartitions(dataSource, staged.range.from, staged.range.to);
    const linked = await staged.link(client);
    result.warnings.push(...linked.warnings);
    if (linked.refusal) return await reject(linked.refusal);
    // A file of an older extract run than what is loaded would write old values back as corrections.
    const origin = await extractOriginOf(client, checksum);
    const superseded = origin && (await supersededBy(client, origin, linked.usagePointIds));
    if (superseded && !options.force) return await reject(superseded);
    if (superseded) result.warnings.push(`forced-over-newer: ${superseded}; loaded because of --force`);
    if (origin) await recordExtractSeq(client, origin, linked.usagePointIds);
    if (linked.unknown?.length) {
      result.unknown = linked.unknown;
      result.errors.push(...linked.unknown.map((u) => `unknown-${u.objectType.toLowerCase()}: ${u.objectType} ${u.id} is not known here; its readings were not loaded (${u.path})`));
    }
    lap('link');
    const blocks = writer.blocks;
    const unverified = await unverifiedSkips(client, linked.owners, blocks);
    if (unverified.length) {
      log.info({ file: path, blocks: unverified.length }, 'skipped blocks not confirmed by their owners: staging them');
      for (const block of unverified) (blocks.get(block) as StagedBlock).skipped = false;
    }
    if (loadedIn) result.skippedBlocks = linked.owners.filter((o) => blocks.get(o.block)?.skipped).length;
    lap('verify');
    const counts = await upsertReadings(client, batchId, loadedIn ? 'reimport' : 'correction', linked.owners, writer, format === 'cim');
    lap('upsert');
    // A skipped block's row is already stored as it would be written, unless an update of this load went near it.
    if (batchId) await storeDigests(client, batchId, linked.owners, blocks, counts.updated === 0);
    lap('digests');
    result.warnings.push(...(await linked.afterReadings(batchId)));
    result.usagePoints = linked.usagePoints;
    result.meterReadings = linked.meterReadings;
    result.readings = counts.staged - counts.dropped;
    result.inserted = counts.inserted;
    result.updated = counts.updated;
    result.unchanged = result.readings - counts.inserted - counts.updated;
    result.rejected = counts.dropped + writer.withoutValue;
    if (options.dryRun) {
      await runner.rollbackTransaction();
      result.status = 'dry-run';
      return result;
    }
    const rollups = await refreshRollups(client, counts.spans, counts.firstLoad ? { owners: linked.owners, blocks } : undefined);
    if (counts.firstLoad) result.blockRollups = rollups.fromBlocks;
    lap('rollups');
    await finishBatch(client, batchId as string, result, { forced: !!superseded });
    faultPoint('import:before-commit');
    await runner.commitTransaction();
    lap('commit');
    timings.total = Date.now() - started;
    log.info({ file: path, ...counts, spans: counts.spans.length, timings }, 'file loaded');
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    if (batchId) {
      log.warn({ file: path, err: error }, 'load failed and rolled back');
      await closeBatch(dataSource, batchId, 'failed', { warnings: result.warnings, errors: [(error as Error).message] }).catch((e) =>
        log.warn({ err: e }, 'could not mark the batch failed; the next attempt resumes it'),
      );
    }
    throw error;
  } finally {
    abandon.abort();
    await parsing.catch(() => undefined);
    writer.close();
    progress.phase = 'done';
    report(true);
    await runner.release();
  }
}

type FileFormat = 'espi-atom' | 'green-button-csv' | 'cim';

interface StageContext {
  sourceSystem: string;
  fallbackZone: string;
  format: FileFormat;
  progress: ImportProgress;
  report: () => void;
  /** Stops the parse at its next chunk. */
  signal: AbortSignal;
}

interface Linked {
  usagePoints: number;
  meterReadings: number;
  warnings: string[];
  /** Which usage point and meter reading each staged block's readings belong to (import_block_owner holds them too). */
  owners: BlockOwner[];
  /** The usage points the file writes to, locked for this load. */
  usagePointIds: string[];
  /** The message cannot be loaded after all (nothing of it is). */
  refusal?: string;
  unknown?: UnknownObject[];
  /** What the format adds once the readings are in (ESPI summaries and customers). */
  afterReadings(batchId: string | null): Promise<string[]>;
}

/** A file parsed into the staging writer, and how to give its blocks their owners inside the load transaction. */
interface Staged {
  diagnostics: Diagnostic[];
  /** Set when the whole file is rejected: the reason, or '' when the diagnostics say it. */
  refusal?: string;
  range?: { from: Date; to: Date };
  link(client: PoolClient): Promise<Linked>;
}

/** ESPI Atom and CIM are XML, told apart by their root element; anything else is read as a Green Button CSV. */
async function sniffFormat(path: string): Promise<FileFormat> {
  for await (const chunk of createReadStream(path, { start: 0, end: 4095 })) {
    const text = (chunk as Buffer).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (!text.startsWith('<')) return 'green-button-csv';
    const root = /<(?:[\w.-]+:)?([\w.-]+)/.exec(text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''))?.[1] ?? '';
    return /^(Envelope|(Request|Response|Event|Fault)?Message)$|MeterReadings/.test(root) ? 'cim' : 'espi-atom';
  }
  return 'espi-atom'; // empty: the reader reports xml-empty
}

/** Parses the file into the writer as it streams. */
async function stage(path: string, writer: StagingWriter, ctx: StageContext): Promise<Staged> {
  const bytes = counted(path, (n) => (ctx.progress.bytes += n), ctx.signal);
  if (ctx.format === 'cim') {
    const cim = await stageCim(bytes, writer, (n) => {
      ctx.progress.readings += n;
      ctx.report();
    });
    writer.end();
    return {
      diagnostics: cim.diagnostics,
      refusal: cim.refusal,
      range: cim.from <= cim.to ? { from: new Date(cim.from * 1000), to: new Date(cim.to * 1000) } : undefined,
      async link(c) {
        const linked = await linkCim(c, cim, ctx.sourceSystem, ctx.fallbackZone);
        const usagePointIds = [...new Set(linked.owners.map((o) => o.usagePointId))];
        return { ...linked, usagePointIds, refusal: await duplicateAcrossBlocks(c), afterReadings: async () => [] };
      },
    };
  }
  const feed = await stageEspi(bytes, writer, ctx);
  writer.end();
  return {
    diagnostics: feed.diagnostics,
    refusal: feed.fileRejected ? '' : undefined,
    range: readingRange(feed),
    link: (c) => linkEspi(c, feed, ctx),
  };
}

/** Streams the file's readings into the writer. */
async function stageEspi(bytes: AsyncIterable<Buffer>, writer: StagingWriter, ctx: StageContext): Promise<LinkedFeed> {
  const events =
    ctx.format === 'espi-atom'
      ? importEspiAtom(bytes, { source: ctx.sourceSystem, fallbackZone: ctx.fallbackZone })
      : importGreenButtonCsv(bytes, { source: ctx.sourceSystem, zone: ctx.fallbackZone });
  let feed: LinkedFeed | undefined;
  for await (const event of events) {
    if (event.type === 'readings') {
      writer.write(event.block.ordinal, event.readings);
      ctx.progress.readings += event.readings.length;
      ctx.report();
    } else if (event.type === 'block') {
      writer.endBlock(event.block.ordinal);
    } else if (event.type === 'linked') {
      feed = event.feed;
    }
  }
  if (!feed) throw new Error(`the ${ctx.format} reader ended without its linked feed`);
  return feed;
}

async function linkEspi(client: PoolClient, feed: LinkedFeed, ctx: StageContext): Promise<Linked> {
  const { sourceSystem, fallbackZone } = ctx;
  await lockUsagePoints(client, sourceSystem, feed.usagePoints.map((up) => externalIdOf(up, sourceSystem)));
  const series = await upsertSeries(client, feed, sourceSystem, fallbackZone);
  const owners = [...feed.blockOwner].map(([block, mr]) => ({ block, ...(series.meterReadingIds.get(mr) as { usagePointId: string; meterReadingId: string }) }));
  await setBlockOwners(client, owners);
  return {
    usagePoints: feed.usagePoints.length,
    meterReadings: feed.meterReadings.length,
    warnings: series.warnings,
    owners,
    usagePointIds: [...series.usagePointIds.values()],
    afterReadings: async (batchId) => [
      ...(await upsertSummaries(client, feed.summaries, series.usagePointIds, batchId)),
      ...(await upsertCustomers(client, feed, sourceSystem)),
    ],
  };
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
