import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { Connection } from '../../db/pool';
import { faultPoint } from '../../fault-points';
import type { Logger } from '../../logger';
import { ensureIntervalPartitions } from '../partitions';
import { checksumLockKey, closeBatch, findLoaded, finishBatch, startBatch } from './batch';
import { skippableDigests, storeDigests, unverifiedSkips } from './block-digests';
import { sha256FileOffThread } from './checksum';
import { recordExtractSeq, extractOriginOf, supersededBy } from './extract-origin';
import { copyIntoStaging } from './reading-copy';
import { upsertReadings } from './readings';
import { StagingRefusal } from './reading-tuple';
import { refreshRollups } from './rollups';
import { recordUsageChanges } from '../events/usage-changes';
import { sniffFormat, stage, type FileFormat, type Linked, type Staged } from './staged-file';
import { createStaging, StagingWriter, type StagedBlock } from './staging';
import { addCounts, addDiagnostics, emptyResult, type ReadingCounts } from './load-result';
import { progressReporter, StepTimings } from './load-progress';
import type { ImportFileOptions, ImportProgress, ImportResult } from './types';

const LOAD_WORK_MEM = '256MB';

type LoadOptions = ImportFileOptions & { sourceSystem: string };

/**
 * One load of one file, a step per method, in one transaction on one connection. The steps that can end the load
 * early (lock, parse, link) answer false when they did: `result` is then the outcome. close() always runs last.
 */
export class FileLoad {
  readonly result: ImportResult;
  private readonly abandon = new AbortController();
  private readonly writer: StagingWriter;
  private readonly hashing: Promise<string>;
  private readonly parsing: Promise<Staged>;
  private connection?: Connection;
  private batchId: string | null = null;
  // Once the batch row exists, every line of this load carries its id, next to the job id and request id bound by
  // the caller: one import can be followed from the request through the job to the batch.
  private log: Logger;
  private loadedIn?: string;
  private skippable = new Set<string>();
  private staged?: Staged;
  private linked?: Linked;
  private superseded?: string;
  private counts?: ReadingCounts;

  /** Starts the load: the checksum and the parse begin at once. */
  static async start(dataSource: DataSource, options: LoadOptions): Promise<FileLoad> {
    const started = Date.now();
    const progress: ImportProgress = { readings: 0, bytes: 0, total: (await stat(options.path)).size, phase: 'parse' };
    const report = progressReporter(options.onProgress, progress);
    report(true);
    return new FileLoad(
      dataSource,
      options,
      new StepTimings(started),
      progress,
      report,
      await sniffFormat(options.path),
    );
  }

  private constructor(
    private readonly dataSource: DataSource,
    private readonly options: LoadOptions,
    private readonly timings: StepTimings,
    private readonly progress: ImportProgress,
    private readonly report: (force?: boolean) => void,
    private readonly format: FileFormat,
  ) {
    this.result = emptyResult(options.path, '');
    this.result.timings = timings.byStep;
    this.log = options.logger;
    this.writer = new StagingWriter(options.spillMemoryBytes, options.tempDir);
    // The parse writes nothing to the database, so it starts at once, while another core computes the checksum that
    // says whether the file is new; a file already loaded stops the parse at its next chunk.
    this.hashing = this.startChecksum();
    this.parsing = this.startParse();
  }

  private startChecksum(): Promise<string> {
    return sha256FileOffThread(this.options.path).then((checksum) => {
      this.timings.sinceStart('checksum');
      return checksum;
    });
  }

  private startParse(): Promise<Staged> {
    const { path, sourceSystem, fallbackZone = 'UTC' } = this.options;
    const { format, progress, report } = this;
    const parsing = stage(path, this.writer, {
      sourceSystem,
      fallbackZone,
      format,
      progress,
      report: () => report(),
      signal: this.abandon.signal,
    });
    // Awaited by parse(), or abandoned; a failure meanwhile must not go unhandled.
    parsing.catch(() => undefined);
    return parsing;
  }

  private get db(): PoolClient {
    if (!this.connection) throw new Error('the load has no connection before lock()');
    return this.connection.client;
  }

  /** Waits for the checksum and locks it; false when these bytes are loaded already. Then opens the batch and staging. */
  async lock(): Promise<boolean> {
    const { options, result } = this;
    const checksum = (result.checksum = await this.hashing);
    const client = await this.openTransaction(checksum);
    const loadedIn = (this.loadedIn = await findLoaded(client, checksum));
    if (loadedIn && !options.force && !options.dryRun) {
      await this.connection?.rollback();
      result.warnings.push(`already loaded in batch ${loadedIn} (same sha256); use --force to reload`);
      result.batchId = loadedIn;
      return false;
    }
    if (!options.dryRun) await this.openBatch(checksum, !!loadedIn);
    await createStaging(client);
    // A reload of the same bytes skips the blocks its earlier loads stored, once their owners confirm them (below).
    if (loadedIn && this.format !== 'cim') this.skippable = await skippableDigests(client, checksum);
    return true;
  }

  /** The load's connection and transaction, holding the checksum's lock. */
  private async openTransaction(checksum: string): Promise<PoolClient> {
    // A pg connection of its own: COPY needs it, and the load's statements gain nothing from the ORM.
    const connection = (this.connection = await Connection.of(this.dataSource));
    const { client } = connection;
    await connection.begin();
    // The delta join against stored readings and the rollups' sort hash or sort millions of rows: at the default
    // 4 MB they spill to temporary files in many batches.
    await client.query(`SET LOCAL work_mem = '${LOAD_WORK_MEM}'`);
    // Held until commit: the same file is never loaded twice at once, whichever process or queue asks.
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [checksumLockKey(checksum)]);
    return client;
  }

  /** The batch row of this load (a dead attempt's, taken over, or a new one); from here on every log line names it. */
  private async openBatch(checksum: string, forced: boolean): Promise<void> {
    const { options } = this;
    this.batchId = await startBatch(this.dataSource, {
      source: options.source,
      fileName: basename(options.path),
      checksum,
      forced,
      jobId: options.jobId,
    });
    this.result.batchId = this.batchId;
    this.log = options.logger.child({ batchId: this.batchId });
    this.log.info({ file: options.path, checksum, forced }, 'load started');
  }

  /** Waits for the parse; false when the file is rejected. */
  async parse(): Promise<boolean> {
    let staged: Staged;
    try {
      staged = this.staged = await this.parsing;
    } catch (error) {
      if (!(error instanceof StagingRefusal)) throw error;
      return this.reject(error.message);
    }
    this.timings.lap('parse');
    faultPoint('import:after-parse');
    addDiagnostics(this.result, staged.diagnostics);
    if (staged.refusal !== undefined) return this.reject(staged.refusal || undefined);
    this.writer.skip(this.skippable);
    // Linking a CIM message checks its staged readings for two blocks of one series at one instant.
    if (this.format === 'cim') await copyIntoStaging(this.db, this.writer);
    return true;
  }

  /** Gives the staged blocks their owners (creating the series); false when the file is rejected. */
  async link(): Promise<boolean> {
    const { result, db: client } = this;
    const staged = this.staged as Staged;
    this.progress.phase = 'write';
    this.report(true);
    // Partitions first, in their own short transactions: attaching one locks meter_reading against writers, so it
    // must not wait inside a load that already wrote there, and must not hold its lock for the whole load.
    if (staged.range) await ensureIntervalPartitions(this.dataSource, staged.range.from, staged.range.to);
    const linked = (this.linked = await staged.link(client));
    result.warnings.push(...linked.warnings);
    if (linked.refusal) return this.reject(linked.refusal);
    if (!(await this.checkExtractOrder(linked))) return false;
    if (linked.unknown?.length) {
      result.unknown = linked.unknown;
      result.errors.push(
        ...linked.unknown.map(
          (u) =>
            `unknown-${u.objectType.toLowerCase()}: ${u.objectType} ${u.id} is not known here; its readings were not loaded (${u.path})`,
        ),
      );
    }
    this.timings.lap('link');
    return true;
  }

  /**
   * A file of an older extract run than what is loaded would write old values back as corrections: refused unless
   * forced (false: rejected). Otherwise the usage points remember this file's extract run.
   */
  private async checkExtractOrder(linked: Linked): Promise<boolean> {
    const { result, db: client } = this;
    const origin = await extractOriginOf(client, result.checksum);
    const superseded = (this.superseded =
      (origin && (await supersededBy(client, origin, linked.usagePointIds))) || undefined);
    if (superseded && !this.options.force) return this.reject(superseded);
    if (superseded) result.warnings.push(`forced-over-newer: ${superseded}; loaded because of --force`);
    if (origin) await recordExtractSeq(client, origin, linked.usagePointIds);
    return true;
  }

  /** Writes the readings (first the skipped blocks their owners do not confirm are staged after all), then the rest. */
  async write(): Promise<void> {
    const { result, writer, db: client, batchId, loadedIn } = this;
    const linked = this.linked as Linked;
    const blocks = writer.blocks;
    const unverified = await unverifiedSkips(client, linked.owners, blocks);
    if (unverified.length) {
      this.log.info(
        { file: this.options.path, blocks: unverified.length },
        'skipped blocks not confirmed by their owners: staging them',
      );
      for (const block of unverified) (blocks.get(block) as StagedBlock).skipped = false;
    }
    if (loadedIn) result.skippedBlocks = linked.owners.filter((o) => blocks.get(o.block)?.skipped).length;
    this.timings.lap('verify');
    const counts = (this.counts = await upsertReadings(
      client,
      batchId,
      loadedIn ? 'reimport' : 'correction',
      linked.owners,
      writer,
      this.format === 'cim',
    ));
    this.timings.lap('upsert');
    // A skipped block's row is already stored as it would be written, unless an update of this load went near it.
    if (batchId) await storeDigests(client, batchId, linked.owners, blocks, counts.updated === 0);
    this.timings.lap('digests');
    result.warnings.push(...(await linked.afterReadings(batchId)));
    addCounts(result, linked, counts, writer);
  }

  /** A dry run ends after write(): everything is rolled back. */
  async dryRunEnd(): Promise<ImportResult> {
    await this.connection?.rollback();
    this.result.status = 'dry-run';
    return this.result;
  }

  async rollups(): Promise<void> {
    const counts = this.counts as ReadingCounts;
    const blocks = counts.firstLoad
      ? { owners: (this.linked as Linked).owners, blocks: this.writer.blocks }
      : undefined;
    const rollups = await refreshRollups(this.db, counts.spans, blocks);
    if (counts.firstLoad) this.result.blockRollups = rollups.fromBlocks;
    await recordUsageChanges(this.db, this.batchId, counts.spans);
    this.timings.lap('rollups');
  }

  /** Closes the batch as loaded and commits. */
  async finish(): Promise<ImportResult> {
    const counts = this.counts as ReadingCounts;
    await finishBatch(this.db, this.batchId as string, this.result, { forced: !!this.superseded });
    faultPoint('import:before-commit');
    await this.connection?.commit();
    this.timings.lap('commit');
    this.timings.sinceStart('total');
    this.log.info(
      { file: this.options.path, ...counts, spans: counts.spans.length, timings: this.timings.byStep },
      'file loaded',
    );
    return this.result;
  }

  /** Rolls back and closes the batch as rejected: the file is refused (`reason`, or its diagnostics). */
  private async reject(reason?: string): Promise<false> {
    if (reason) this.result.errors.unshift(reason);
    await this.connection?.rollback();
    this.result.status = 'rejected';
    if (this.batchId) await closeBatch(this.dataSource, this.batchId, 'rejected', this.result);
    return false;
  }

  /** A fault: everything is rolled back, and the batch marked failed for the retry to resume. */
  async fail(error: unknown): Promise<void> {
    if (this.connection?.inTransaction) await this.connection.rollback().catch(() => undefined);
    if (!this.batchId) return;
    this.log.warn({ file: this.options.path, err: error }, 'load failed and rolled back');
    await closeBatch(this.dataSource, this.batchId, 'failed', {
      warnings: this.result.warnings,
      errors: [(error as Error).message],
    }).catch((e) => this.log.warn({ err: e }, 'could not mark the batch failed; the next attempt resumes it'));
  }

  /** Stops the parse if it still runs and gives back the spill and the connection, whatever happened. */
  async close(): Promise<void> {
    this.abandon.abort();
    await this.parsing.catch(() => undefined);
    this.writer.close();
    this.progress.phase = 'done';
    this.report(true);
    this.connection?.release();
  }
}
