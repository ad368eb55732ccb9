import type { DataSource } from 'typeorm';
import { transaction } from '../../db/pool';
import { ExtractRunEntity, ExtractShardEntity } from '../../entities';
import { entityFields, selectColumns, type EntityRow, type EntitySelect } from '../../entities/columns';
import type { ExtractedFile, ExtractManifest } from '../../ods/extract';
import type { ExtractPlan } from '../../ods/extract-plan';
import type { RunProgress } from '../../queue/job-data';
import { advanceWatermark, ODS_SOURCE } from './watermark';

// An extract run's life in extract_run and extract_shard: created with its plan, owned by one parent job of the
// queue at a time; each shard loaded or failed by its child job; 'loaded' in the transaction that advances the
// watermark once every shard is. A run whose owner is gone (killed, failed) is taken up by the next owner, which
// re-runs only the shards not loaded.

const RUN_FIELDS = entityFields<ExtractRunEntity>()([
  'id',
  'seqFrom',
  'seqTo',
  'since',
  // The plan's time: it dates the run's feeds, so a retried shard writes the same bytes.
  'startedAt',
  'shards',
  'readings',
  'jobId',
  'round',
  'status',
  'reason',
]);
export type RunRow = EntityRow<ExtractRunEntity, typeof RUN_FIELDS>;
const RUN_COLUMNS = selectColumns(ExtractRunEntity, RUN_FIELDS, '');

const SHARD_FIELDS = entityFields<ExtractShardEntity>()([
  'runId',
  'shard',
  'customerIds',
  'usagePointIds',
  'channelIds',
  'readings',
  'status',
  'attempts',
  'reason',
]);
export type ShardRow = EntityRow<ExtractShardEntity, typeof SHARD_FIELDS>;
const SHARD_COLUMNS = selectColumns(ExtractShardEntity, SHARD_FIELDS, '');

export const EXTRACT_RUN_SELECTS: readonly EntitySelect[] = [
  { entity: ExtractRunEntity, columns: RUN_COLUMNS },
  { entity: ExtractShardEntity, columns: SHARD_COLUMNS },
];

export async function createRun(dataSource: DataSource, plan: ExtractPlan, jobId: string): Promise<RunRow> {
  return transaction(dataSource, async (client) => {
    const {
      rows: [run],
    } = await client.query<RunRow>(
      `INSERT INTO extract_run (id, source, seq_from, seq_to, since, started_at, shards, readings, job_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       RETURNING ${RUN_COLUMNS}`,
      [
        plan.id,
        ODS_SOURCE,
        plan.range.after,
        plan.range.upTo,
        plan.range.since ?? null,
        plan.createdAt,
        plan.shards.length,
        plan.readings,
        jobId,
      ],
    );
    for (const s of plan.shards) {
      await client.query(
        `INSERT INTO extract_shard (run_id, shard, customer_ids, usage_point_ids, channel_ids, readings) VALUES ($1, $2, $3::bigint[], $4::bigint[], $5::bigint[], $6)`,
        [plan.id, s.index, s.customerIds, s.usagePointIds, s.channelIds, s.readings],
      );
    }
    return run;
  });
}

/** The run not yet loaded, if any: runs are serialised (see claimRun in the parent job), so there is at most one. */
export async function unfinishedRun(dataSource: DataSource): Promise<RunRow | undefined> {
  const rows = (await dataSource.query(
    `SELECT ${RUN_COLUMNS} FROM extract_run WHERE status IN ('running', 'failed') AND shards > 0 ORDER BY started_at LIMIT 1`,
  )) as RunRow[];
  return rows[0];
}

export async function runById(dataSource: DataSource, runId: string): Promise<RunRow | undefined> {
  const rows = (await dataSource.query(`SELECT ${RUN_COLUMNS} FROM extract_run WHERE id = $1`, [runId])) as RunRow[];
  return rows[0];
}

/** A new owner takes the run up for another round: its shards not loaded are to be run again. */
export async function takeOver(dataSource: DataSource, runId: string, jobId: string, round: number): Promise<RunRow> {
  return transaction(dataSource, async (client) => {
    await client.query(`UPDATE extract_shard SET status = 'pending' WHERE run_id = $1 AND status = 'failed'`, [runId]);
    const { rows } = await client.query<RunRow>(
      `UPDATE extract_run SET job_id = $2, round = $3, status = 'running', reason = NULL, finished_at = NULL WHERE id = $1 RETURNING ${RUN_COLUMNS}`,
      [runId, jobId, round],
    );
    return rows[0];
  });
}

/**
 * Runs written by the extract before it had shards, never finished: their files are refused from now on (the loader
 * treats an abandoned run's file as superseded), and this run extracts their range again.
 */
export async function abandonRunsWithoutShards(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `UPDATE extract_run SET status = 'abandoned', reason = 'abandoned: the run did not finish; a later run extracts its range again', finished_at = clock_timestamp()
      WHERE status = 'running' AND shards = 0`,
  );
}

export async function shardsNotLoaded(dataSource: DataSource, runId: string): Promise<ShardRow[]> {
  return (await dataSource.query(
    `SELECT ${SHARD_COLUMNS} FROM extract_shard WHERE run_id = $1 AND status <> 'loaded' ORDER BY shard`,
    [runId],
  )) as ShardRow[];
}

/** One shard not yet loaded, read alone: a run's other shards' id lists can be large. */
export async function shardOf(dataSource: DataSource, runId: string, shard: number): Promise<ShardRow | undefined> {
  const rows = (await dataSource.query(
    `SELECT ${SHARD_COLUMNS} FROM extract_shard WHERE run_id = $1 AND shard = $2 AND status <> 'loaded'`,
    [runId, shard],
  )) as ShardRow[];
  return rows[0];
}

/** A new attempt at the shard starts from nothing: what it loaded before counts again as its files pass. */
export async function startShardAttempt(dataSource: DataSource, runId: string, shard: number): Promise<void> {
  await dataSource.query(
    `UPDATE extract_shard SET attempts = attempts + 1, files = 0, readings_loaded = 0, reason = NULL, started_at = clock_timestamp() WHERE run_id = $1 AND shard = $2`,
    [runId, shard],
  );
}

/** Known by checksum before it reaches the inbox: whoever loads it later can tell which run it comes from. */
export async function registerDelivery(
  dataSource: DataSource,
  runId: string,
  shard: number,
  file: ExtractedFile,
): Promise<void> {
  // Bytes identical to a dead run's file (same data, planned in the same second) belong to the newer run.
  await dataSource.query(
    `INSERT INTO extract_delivery (sha256, run_id, file_name, shard, kind, bytes, usage_points, meter_readings, readings, customers)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (sha256) DO UPDATE SET run_id = EXCLUDED.run_id, file_name = EXCLUDED.file_name, shard = EXCLUDED.shard, kind = EXCLUDED.kind, bytes = EXCLUDED.bytes,
       usage_points = EXCLUDED.usage_points, meter_readings = EXCLUDED.meter_readings, readings = EXCLUDED.readings, customers = EXCLUDED.customers`,
    [
      file.sha256,
      runId,
      file.name,
      shard,
      file.kind,
      file.bytes,
      file.usagePoints,
      file.meterReadings,
      file.readings,
      file.customers,
    ],
  );
}

export async function fileLoaded(
  dataSource: DataSource,
  runId: string,
  shard: number,
  readings: number,
): Promise<void> {
  await dataSource.query(
    `UPDATE extract_shard SET files = files + 1, readings_loaded = readings_loaded + $3 WHERE run_id = $1 AND shard = $2`,
    [runId, shard, readings],
  );
}

export async function finishShard(
  dataSource: DataSource,
  runId: string,
  shard: number,
  outcome: { status: 'loaded' } | { status: 'failed'; reason: string },
): Promise<void> {
  await dataSource.query(
    `UPDATE extract_shard SET status = $3, reason = $4, finished_at = clock_timestamp() WHERE run_id = $1 AND shard = $2`,
    [runId, shard, outcome.status, outcome.status === 'failed' ? outcome.reason : null],
  );
}

export async function runProgress(dataSource: DataSource, runId: string): Promise<RunProgress> {
  const [row] = (await dataSource.query(
    `SELECT count(*)::int AS shards, count(*) FILTER (WHERE status = 'loaded')::int AS "shardsLoaded", count(*) FILTER (WHERE status = 'failed')::int AS "shardsFailed",
            coalesce(sum(files), 0)::int AS files, coalesce(sum(readings_loaded), 0)::float8 AS readings, coalesce(sum(readings), 0)::float8 AS "readingsTotal"
       FROM extract_shard WHERE run_id = $1`,
    [runId],
  )) as RunProgress[];
  return row;
}

/** Every file the run delivered, in shard and load order: the run's manifest. */
export async function deliveredFiles(dataSource: DataSource, runId: string): Promise<ExtractManifest['files']> {
  const rows = (await dataSource.query(
    `SELECT file_name AS name, kind, bytes::float8 AS bytes, sha256, usage_points AS "usagePoints", meter_readings AS "meterReadings", readings, customers, shard
       FROM extract_delivery WHERE run_id = $1 ORDER BY shard, file_name`,
    [runId],
  )) as ExtractManifest['files'];
  return rows;
}

/** Every shard is loaded: the run is done and the watermark advances, together. */
export async function finishRun(dataSource: DataSource, runId: string, seqTo: string): Promise<string> {
  return transaction(dataSource, async (client) => {
    await client.query(`UPDATE extract_run SET status = 'loaded', finished_at = clock_timestamp() WHERE id = $1`, [
      runId,
    ]);
    return advanceWatermark(client, seqTo);
  });
}

export async function failRun(dataSource: DataSource, runId: string, reason: string): Promise<void> {
  await dataSource.query(
    `UPDATE extract_run SET status = 'failed', reason = $2, finished_at = clock_timestamp() WHERE id = $1`,
    [runId, reason],
  );
}
