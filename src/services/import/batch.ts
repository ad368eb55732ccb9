import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { transaction } from '../../db/pool';
import { importFailedEvents } from '../events/import-failed';
import type { ImportSource } from '../../entities';
import type { ImportResult } from './types';

// import_batch rows are written outside the load transaction, so a crashed attempt stays visible as 'running'. The
// load transaction holds an advisory lock on the checksum: whoever holds it next knows that a 'running' (or 'failed')
// row of that checksum belongs to a dead attempt, and takes it over instead of adding another.

export function checksumLockKey(checksum: string): string {
  // The first 60 bits of the sha256: a positive bigint, collisions only serialise two unrelated files.
  return BigInt(`0x${checksum.slice(0, 15)}`).toString();
}

export async function findLoaded(client: PoolClient, checksum: string): Promise<string | undefined> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT id FROM import_batch WHERE checksum = $1 AND status = 'loaded' ORDER BY id LIMIT 1`,
    [checksum],
  );
  return rows[0]?.id;
}

export async function startBatch(
  db: DataSource,
  args: { source: ImportSource; fileName: string; checksum: string; forced: boolean; jobId?: string },
): Promise<string> {
  return transaction(db, async (client) => {
    const {
      rows: [resumed],
    } = await client.query<{ id: string }>(
      `SELECT id FROM import_batch WHERE checksum = $1 AND status IN ('running', 'failed') ORDER BY id DESC LIMIT 1 FOR UPDATE`,
      [args.checksum],
    );
    if (resumed) {
      await client.query(
        `UPDATE import_batch SET status = 'running', started_at = clock_timestamp(), finished_at = NULL, source = $2, file_name = $3,
                forced = $4, job_id = $5, errors = '[]'
          WHERE id = $1`,
        [resumed.id, args.source, args.fileName, args.forced, args.jobId ?? null],
      );
      return resumed.id;
    }
    const {
      rows: [{ id }],
    } = await client.query<{ id: string }>(
      `INSERT INTO import_batch (source, file_name, checksum, forced, status, job_id, started_at)
       VALUES ($1, $2, $3, $4, 'running', $5, clock_timestamp()) RETURNING id`,
      [args.source, args.fileName, args.checksum, args.forced, args.jobId ?? null],
    );
    return id;
  });
}

const counts = (r: ImportResult) => [
  r.usagePoints,
  r.meterReadings,
  r.readings,
  r.inserted,
  r.updated,
  r.unchanged,
  r.rejected,
];

// Times are clock_timestamp(), not now(): the load transaction starts before its batch row does, so its now() could
// put finished_at before started_at.

/**
 * Inside the load transaction: the batch becomes 'loaded' exactly when its readings commit. `forced` marks a load
 * that --force let overwrite newer data (its warnings say which).
 */
export async function finishBatch(
  client: PoolClient,
  id: string,
  result: ImportResult,
  { forced }: { forced: boolean },
): Promise<void> {
  await client.query(
    `UPDATE import_batch SET status = 'loaded', usage_points = $2, meter_readings = $3, readings = $4, inserted = $5,
            updated = $6, unchanged = $7, rejected = $8, warnings = $9, errors = $10, forced = forced OR $11,
            finished_at = clock_timestamp()
      WHERE id = $1`,
    [id, ...counts(result), JSON.stringify(result.warnings), JSON.stringify(result.errors), forced],
  );
}

/**
 * After a rollback: 'rejected' (the file is bad) or 'failed' (a fault; the job retries and resumes this row), with its
 * IMPORT_FAILED event in the same statement.
 */
export async function closeBatch(
  db: DataSource,
  id: string,
  status: 'rejected' | 'failed',
  result: Pick<ImportResult, 'warnings' | 'errors'>,
) {
  await db.query(
    `WITH closed AS (
       UPDATE import_batch SET status = $2, warnings = $3, errors = $4, finished_at = clock_timestamp() WHERE id = $1 RETURNING id, file_name, status)
     ${importFailedEvents('$5')}`,
    [id, status, JSON.stringify(result.warnings), JSON.stringify(result.errors), result.errors[0] ?? null],
  );
}
