import { odsUrlFor } from '../ods/database';
import { DirectoryDelivery } from '../ods/delivery';
import { extractShardJobId, type ExtractRunProgress, type ExtractShardJobData } from '../queue/job-data';
import { finishShard, runById, runProgress, shardOf } from '../services/extract/runs';
import { extractAndLoadShard, type ShardOutcome } from '../services/extract/shard-load';
import { fileOutcome } from '../services/import/types';
import type { JobHandler } from './workers';

/**
 * One shard of a run: extracted, delivered and loaded, pipelined. A job of an earlier round (the run was taken up
 * since) or of a shard already loaded does nothing. Thrown faults are retried with backoff; the last attempt records
 * its reason on the shard for the parent to report.
 */
export const extractShardJob: JobHandler = async (job, { dataSource, config, logger, queues }) => {
  const { runId, shard } = job.data as ExtractShardJobData;
  const run = await runById(dataSource, runId);
  if (!run || run.status === 'loaded' || job.id !== extractShardJobId(runId, shard, run.round))
    return { skipped: `not the current round of extract run ${runId}` };
  const target = await shardOf(dataSource, runId, shard);
  if (!target) return { skipped: `shard ${shard} of extract run ${runId} is loaded` };
  const odsUrl = odsUrlFor(config, (dataSource.options as { url: string }).url) as string;

  const parent = job.parent?.id ? await queues['ods-extract'].getJob(job.parent.id) : undefined;
  const reportProgress = async () => {
    const progress: ExtractRunProgress = { phase: 'extract', run: runId, ...(await runProgress(dataSource, runId)) };
    await parent?.updateProgress(progress as never);
  };
  let outcome: ShardOutcome;
  try {
    outcome = await extractAndLoadShard(dataSource, {
      odsUrl,
      outboxDir: config.outboxDir,
      delivery: new DirectoryDelivery(config.inboxDir),
      run,
      shard: target,
      jobId: job.id,
      logger,
      // Progress is advisory: a lost update must never fail the shard.
      onFileLoaded: () => void reportProgress().catch(() => undefined),
    });
  } catch (error) {
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
      await finishShard(dataSource, runId, shard, { status: 'failed', reason: (error as Error).message });
    throw error;
  }
  await reportProgress().catch(() => undefined);
  // The per-file objects of the CLI contract; the details stay in import_batch.
  return { shard, files: outcome.files.map(fileOutcome), timings: outcome.timings };
};
