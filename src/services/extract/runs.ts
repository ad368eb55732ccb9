import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Logger } from '../../logger';
import type { Delivery } from '../../ods/delivery';
import type { ExtractManifest } from '../../ods/extract';
import { checksumLockKey } from '../import/batch';
import { advanceWatermark, ODS_SOURCE } from './watermark';

// An extract run's life in extract_run: registered with the checksum of each of its files before the first reaches
// the inbox, 'loaded' in the transaction that advances the watermark. Runs are serialised by the extract lock, so a
// run still 'running' when the next one holds the lock is dead (killed, or failed half-way): the next run reclaims it.

export async function registerRun(dataSource: DataSource, manifest: ExtractManifest): Promise<void> {
  await dataSource.transaction(async (tx) => {
    await tx.query(`INSERT INTO extract_run (id, source, seq_from, seq_to) VALUES ($1, $2, $3, $4)`, [manifest.id, ODS_SOURCE, manifest.watermark.from, manifest.watermark.to]);
    // Bytes identical to a dead run's file (same data, written in the same second) belong to the newer run.
    await tx.query(
      `INSERT INTO extract_delivery (sha256, run_id, file_name) SELECT f.sha256, $1, f.name FROM unnest($2::text[], $3::text[]) AS f(sha256, name)
       ON CONFLICT (sha256) DO UPDATE SET run_id = EXCLUDED.run_id, file_name = EXCLUDED.file_name`,
      [manifest.id, manifest.files.map((f) => f.sha256), manifest.files.map((f) => f.name)],
    );
  });
}

/** Every file is loaded: the run is done and the watermark advances, together. */
export async function finishRun(dataSource: DataSource, runId: string, seqTo: string): Promise<string> {
  return dataSource.transaction(async (tx) => {
    await tx.query(`UPDATE extract_run SET status = 'loaded', finished_at = clock_timestamp() WHERE id = $1`, [runId]);
    return advanceWatermark(tx, seqTo);
  });
}

// What the extract writes to the outbox; finished manifests stay as the record of each run.
const OUTBOX_LEFTOVER = /^ods-.*\.(xml|xml\.part|manifest\.json\.part)$/;

/**
 * Called with the extract lock held, before the run extracts: removes what dead runs left in the outbox (files never
 * delivered, `.part`s), marks the runs abandoned (the loader refuses their files from then on), removes their
 * delivered files not yet loaded from the inbox (this run re-extracts their range: the watermark did not move) and
 * marks their `running` batches failed. A load of such a file in flight (the inbox scan's) is waited for through its
 * checksum lock, so it has committed or given up before this run loads anything. Returns the ids of the runs
 * reclaimed.
 */
export async function reclaimDeadRuns(dataSource: DataSource, outboxDir: string, delivery: Delivery, logger: Logger): Promise<string[]> {
  const leftovers = (await readdir(outboxDir).catch(() => [] as string[])).filter((name) => OUTBOX_LEFTOVER.test(name));
  await Promise.all(leftovers.map((name) => rm(join(outboxDir, name), { force: true })));
  const dead = (await dataSource.query(`SELECT id FROM extract_run WHERE status = 'running' ORDER BY started_at`)) as { id: string }[];
  for (const { id } of dead) {
    const reason = `abandoned: extract run ${id} did not finish; a later run extracts its range again`;
    // First: from now on the loader refuses the run's files, so none can start loading once its file is withdrawn.
    await dataSource.query(`UPDATE extract_run SET status = 'abandoned', reason = $2, finished_at = clock_timestamp() WHERE id = $1`, [id, reason]);
    const deliveries = (await dataSource.query(
      `SELECT d.sha256, d.file_name AS name, EXISTS (SELECT 1 FROM import_batch b WHERE b.checksum = d.sha256 AND b.status = 'running') AS running
         FROM extract_delivery d WHERE d.run_id = $1`,
      [id],
    )) as { sha256: string; name: string; running: boolean }[];
    const removed: string[] = [];
    for (const d of deliveries) {
      const present = await delivery.holds(d.name);
      if (!present && !d.running) continue;
      await dataSource.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [checksumLockKey(d.sha256)]);
        await delivery.withdraw(d.name);
        await tx.query(
          `UPDATE import_batch SET status = 'failed', errors = errors || $2::jsonb, finished_at = clock_timestamp() WHERE checksum = $1 AND status = 'running'`,
          [d.sha256, JSON.stringify([reason])],
        );
      });
      if (present) removed.push(d.name);
    }
    logger.warn({ run: id, removedFromInbox: removed }, 'ODS extract: reclaimed a run that did not finish');
  }
  if (leftovers.length) logger.warn({ files: leftovers }, 'ODS extract: removed undelivered files of an earlier run from the outbox');
  return dead.map((r) => r.id);
}
