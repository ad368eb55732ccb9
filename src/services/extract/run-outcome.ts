import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { faultPoint } from '../../fault-points';
import { manifestOf, writeManifest } from '../../ods/extract';
import { deliveredFiles, finishRun, type RunRow, type ShardRow } from './runs';

export interface RunCompletion {
  manifest: string;
  watermark: { from: string; to: string };
  files: number;
}

/**
 * Every shard is loaded: the run's manifest (each file it delivered) goes into the outbox, then the run is marked
 * loaded and the watermark advances, in one transaction. What attempts killed on this machine left in the outbox goes.
 */
export async function completeRun(dataSource: DataSource, run: RunRow, outboxDir: string): Promise<RunCompletion> {
  const files = await deliveredFiles(dataSource, run.id);
  const manifest = await writeManifest(
    outboxDir,
    manifestOf(
      {
        id: run.id,
        createdAt: run.startedAt,
        range: { after: run.seqFrom, upTo: run.seqTo, since: run.since ?? undefined },
        shards: run.shards,
      },
      files,
    ),
  );
  faultPoint('extract:before-watermark');
  const to = await finishRun(dataSource, run.id, run.seqTo);
  const leftovers = (await readdir(outboxDir).catch(() => [] as string[])).filter((name) =>
    name.startsWith(`${run.id}-s`),
  );
  await Promise.all(leftovers.map((name) => rm(join(outboxDir, name), { force: true })));
  return { manifest, watermark: { from: run.seqFrom, to }, files: files.length };
}

/**
 * Why the run could not finish, shard by shard: the reason its last attempt recorded or, for a job that died
 * without recording one (killed once too often), the queue's reason for failing it.
 */
export function failureReasons(shards: ShardRow[], jobFailures: Map<number, string>): string {
  return shards.map((s) => `shard ${s.shard}: ${s.reason ?? jobFailures.get(s.shard) ?? 'not loaded'}`).join('; ');
}
