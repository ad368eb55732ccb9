import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { transaction } from '../../db/pool';
import { faultPoint } from '../../fault-points';
import type { Logger } from '../../logger';
import type { Delivery } from '../../ods/delivery';
import { extractShard, shardFilePrefix, type ExtractedFile } from '../../ods/extract';
import { importFailedEvents } from '../events/import-failed';
import { checksumLockKey } from '../import/batch';
import type { LogLevel } from '../../config';
import { importThreadFor } from '../import/import-thread';
import { moveToLoaded, moveToRejected, wasMovedToLoaded } from '../import/files';
import { emptyResult } from '../import/load-result';
import type { ImportResult } from '../import/types';
import { fileLoaded, finishShard, registerDelivery, startShardAttempt, type RunRow, type ShardRow } from './runs';

export interface FileLimits {
  maxFileBytes?: number;
  maxUsagePointsPerFile?: number;
  maxReadingsPerFile?: number;
}

export interface ShardLoadOptions extends FileLimits {
  odsUrl: string;
  outboxDir: string;
  delivery: Delivery;
  run: RunRow;
  shard: ShardRow;
  jobId?: string;
  logger: Logger;
  /** After each file is loaded: the run's progress moved. */
  onFileLoaded?: (result: ImportResult) => void;
}

export class ExtractLoadError extends Error {
  override name = 'ExtractLoadError';
  readonly code = 'FILE_REJECTED';
}

// Files written ahead of the one being loaded: enough that writing never waits on a load's commit, few enough that
// the outbox holds at most a few files per shard.
const WRITE_AHEAD = 2;

/**
 * Steps 1.1–1.3 for one shard of a run, pipelined: the shard's files are written to the outbox and each is delivered
 * and loaded while the next is written (usage feeds before the customer feeds that link them: the order they are
 * written in). The shard is marked loaded once its last file committed. A new attempt (a retry after a fault, or
 * another worker after a kill) starts over: the outbox files a dead attempt left are removed, and the files it loaded
 * are written again with the same bytes, which the loader recognises by checksum and does not load twice.
 */
export interface ShardOutcome {
  files: ImportResult[];
  /** ms the shard spent reading the ODS and writing files, and waiting for the loads to catch up (the rest). */
  timings: { write: number; waitForLoads: number };
}

export async function extractAndLoadShard(dataSource: DataSource, options: ShardLoadOptions): Promise<ShardOutcome> {
  const { run, shard } = options;
  await removeLeftovers(options.outboxDir, shardFilePrefix(run.id, shard.shard));
  await reclaimDeliveries(dataSource, options);
  await startShardAttempt(dataSource, run.id, shard.shard);
  const ods = { reads: odsClient(options.odsUrl), entities: odsClient(options.odsUrl) };
  const loads = new LoadPipeline(dataSource, options);
  const started = performance.now();
  let written = 0;
  try {
    await Promise.all([ods.reads.connect(), ods.entities.connect()]);
    await extractShard(ods, {
      outboxDir: options.outboxDir,
      runId: run.id,
      createdAt: run.startedAt,
      range: { after: run.seqFrom, upTo: run.seqTo, since: run.since ?? undefined },
      shard: {
        index: shard.shard,
        customerIds: shard.customerIds,
        usagePointIds: shard.usagePointIds,
        channelIds: shard.channelIds,
      },
      maxFileBytes: options.maxFileBytes,
      maxUsagePointsPerFile: options.maxUsagePointsPerFile,
      maxReadingsPerFile: options.maxReadingsPerFile,
      onFile: (file) => loads.push(file),
    });
    written = performance.now();
    await loads.drain();
  } catch (error) {
    // A load in flight commits or rolls back on its own; it must be over before a retry of the shard can start.
    await loads.settle();
    // Files written but not delivered are never loaded by this attempt: the outbox keeps nothing of it.
    await removeLeftovers(options.outboxDir, shardFilePrefix(run.id, shard.shard));
    throw error;
  } finally {
    await Promise.all([ods.reads.end().catch(() => undefined), ods.entities.end().catch(() => undefined)]);
  }
  faultPoint('extract:before-shard-loaded');
  await finishShard(dataSource, run.id, shard.shard, { status: 'loaded' });
  const waitForLoads = loads.waitedMs + (performance.now() - written);
  return {
    files: loads.results,
    timings: { write: Math.round(written - started - loads.waitedMs), waitForLoads: Math.round(waitForLoads) },
  };
}

function odsClient(url: string): Client {
  const client = new Client({ connectionString: url, application_name: 'usage-portal-extract' });
  // A connection lost mid-query also rejects that query, which the caller handles; without a listener the same error
  // emitted as an event would crash the process.
  client.on('error', () => undefined);
  return client;
}

async function removeLeftovers(outboxDir: string, prefix: string): Promise<void> {
  const names = (await readdir(outboxDir).catch(() => [] as string[])).filter((name) => name.startsWith(prefix));
  await Promise.all(names.map((name) => rm(join(outboxDir, name), { force: true })));
}

/**
 * The files an earlier attempt of the shard delivered but did not load: withdrawn from the inbox, and their batch
 * left `running` by a killed load marked `failed`. Under each file's checksum lock, so a load of it in flight (the
 * inbox scan's) has committed or given up first. The new attempt delivers the shard's files again; those whose
 * ODS reads changed since the plan differ (the changed reads wait for the next run), the others are the same bytes.
 */
async function reclaimDeliveries(dataSource: DataSource, options: ShardLoadOptions): Promise<void> {
  const deliveries = (await dataSource.query(
    `SELECT d.sha256, d.file_name AS name, EXISTS (SELECT 1 FROM import_batch b WHERE b.checksum = d.sha256 AND b.status = 'running') AS running
       FROM extract_delivery d
      WHERE d.run_id = $1 AND d.shard = $2 AND NOT EXISTS (SELECT 1 FROM import_batch b WHERE b.checksum = d.sha256 AND b.status = 'loaded')`,
    [options.run.id, options.shard.shard],
  )) as { sha256: string; name: string; running: boolean }[];
  const reason = `abandoned: an attempt at shard ${options.shard.shard} of extract run ${options.run.id} did not finish; the shard is extracted again`;
  for (const d of deliveries) {
    if (!d.running && !(await options.delivery.holds(d.name))) continue;
    await transaction(dataSource, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [checksumLockKey(d.sha256)]);
      await options.delivery.withdraw(d.name);
      await client.query(
        `WITH closed AS (
           UPDATE import_batch SET status = 'failed', errors = errors || $2::jsonb, finished_at = clock_timestamp() WHERE checksum = $1 AND status = 'running'
           RETURNING id, file_name, status)
         ${importFailedEvents('$3')}`,
        [d.sha256, JSON.stringify([reason]), reason],
      );
    });
  }
}

/** Loads the files handed to it one at a time, in order, while the writer goes on with the next ones. */
class LoadPipeline {
  readonly results: ImportResult[] = [];
  private readonly waiting: ExtractedFile[] = [];
  private loading: Promise<void> = Promise.resolve();
  private failure?: unknown;
  private room?: () => void;
  /** Time the writer spent waiting for room. */
  waitedMs = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: ShardLoadOptions,
  ) {}

  /** Registers the file and queues its load; waits while WRITE_AHEAD files are already waiting. */
  async push(file: ExtractedFile): Promise<void> {
    if (this.failure) throw this.failure;
    await registerDelivery(this.dataSource, this.options.run.id, this.options.shard.shard, file);
    this.waiting.push(file);
    this.loading = this.loading.then(() => this.loadNext());
    const waitFrom = performance.now();
    while (this.waiting.length > WRITE_AHEAD && !this.failure)
      await new Promise<void>((resolve) => (this.room = resolve));
    this.waitedMs += performance.now() - waitFrom;
    if (this.failure) throw this.failure;
  }

  /** Every file pushed is loaded; the first failure is thrown. */
  async drain(): Promise<void> {
    await this.loading;
    if (this.failure) throw this.failure;
  }

  async settle(): Promise<void> {
    this.failure ??= new Error('the shard stopped');
    await this.loading;
  }

  private async loadNext(): Promise<void> {
    const file = this.waiting[0];
    try {
      if (!this.failure) await this.load(file);
    } catch (error) {
      this.failure = error;
    } finally {
      this.waiting.shift();
      this.room?.();
    }
  }

  private async load(file: ExtractedFile): Promise<void> {
    const { options } = this;
    const path = await options.delivery.deliver(join(options.outboxDir, file.name));
    faultPoint('extract:after-delivery');
    const result = await loadDelivered(this.dataSource, path, options);
    faultPoint('extract:after-load');
    this.results.push(result);
    if (result.status === 'rejected') {
      // The codec wrote a file its own reader refuses: a bug, not a transient fault; the watermark stays.
      throw new ExtractLoadError(`${file.name} rejected by the loader: ${result.errors[0] ?? 'no reason given'}`);
    }
    await fileLoaded(this.dataSource, options.run.id, options.shard.shard, file.readings);
    options.onFileLoaded?.(result);
  }
}

/** Loads the file on the process's import thread (the shard writes on), then moves it to loaded/ (or rejected/). */
async function loadDelivered(dataSource: DataSource, path: string, options: ShardLoadOptions): Promise<ImportResult> {
  let result: ImportResult;
  try {
    const thread = importThreadFor((dataSource.options as { url: string }).url, options.logger.level as LogLevel);
    result = await thread.load({ path, source: 'ods', jobId: options.jobId }, options.logger);
  } catch (error) {
    // The inbox scan's import job loaded and moved it first: the same bytes are in, which is all this run needs.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !(await wasMovedToLoaded(path))) throw error;
    return alreadyLoaded(path);
  }
  // The rejection is the shard's error; a full disk refusing the reason file must not take its place.
  if (result.status === 'rejected')
    await moveToRejected(path, result.errors).catch((error) =>
      options.logger.warn({ file: path, err: error }, 'could not move the rejected file'),
    );
  else
    await moveToLoaded(path).catch(async (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !(await wasMovedToLoaded(path))) throw error;
    });
  return result;
}

function alreadyLoaded(path: string): ImportResult {
  return { ...emptyResult(path, ''), warnings: ['loaded by the inbox scan'] };
}
