import { UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import { ODS_EXTRACT, type ExtractRunJobData, type ExtractRunProgress } from '../queue/job-data';
import type { FileOutcome } from '../services/import/types';
import { completeRun, failureReasons } from '../services/extract/run-outcome';
import { failRun, runById, runProgress, shardsNotLoaded, takeOver, type RunRow } from '../services/extract/runs';
import { addShardsTo, shardFailures } from './extract-flow';
import type { JobDeps, JobHandler } from './workers';

/** The shards' files, summed: what ops see of a finished run (the files themselves stay with the shards' jobs). */
async function childTotals(job: Job) {
  const files = (Object.values(await job.getChildrenValues()) as { files?: FileOutcome[] }[]).flatMap(
    (v) => v?.files ?? [],
  );
  const total = (key: 'readings' | 'inserted' | 'updated' | 'unchanged') => files.reduce((n, f) => n + f[key], 0);
  return {
    readings: total('readings'),
    inserted: total('inserted'),
    updated: total('updated'),
    unchanged: total('unchanged'),
  };
}

/**
 * The parent of a run's flow, run by BullMQ once every shard is done (loaded, or out of attempts). Every shard
 * loaded: the run's manifest is written and the watermark advances. Otherwise the run fails with each shard's
 * reason; retried by ops (importJobRetry), this job takes the run up again with the shards not loaded as its new
 * children; or the next scheduled run does.
 */
export const extractRunJob: JobHandler = async (job, deps, token) => {
  const { dataSource, config, queues, logger } = deps;
  const { runId, failedRound } = job.data as ExtractRunJobData;
  const run = await runById(dataSource, runId);
  if (!run) throw new UnrecoverableError(`no extract run ${runId}`);
  if (run.status === 'loaded') return { run: runId, skipped: 'the run is loaded' };
  if (run.jobId !== job.id) return { run: runId, skipped: `the run was taken up by job ${run.jobId}` };

  const open = await shardsNotLoaded(dataSource, runId);
  if (open.length === 0) {
    const progress: ExtractRunProgress = { phase: 'finish', run: runId, ...(await runProgress(dataSource, runId)) };
    await job.updateProgress(progress as never);
    const completion = await completeRun(dataSource, run, config.outboxDir);
    logger.info(
      { run: runId, ...completion, shards: progress.shards, readings: progress.readings },
      'ODS extract run loaded',
    );
    // A run taken up again ends after newer changes arrived: they follow at once instead of at the next schedule.
    if (run.round > 1) await queues['ods-extract'].add(ODS_EXTRACT, {});
    return {
      run: runId,
      manifest: completion.manifest,
      watermark: completion.watermark,
      shards: run.shards,
      ...(await childTotals(job)),
      files: completion.files,
    };
  }
  if (failedRound === run.round) return takeUpAgain(job, run, deps, token);
  const reason = failureReasons(open, shardFailures(await job.getIgnoredChildrenFailures()));
  await failRun(dataSource, runId, reason);
  await job.updateData({ runId, failedRound: run.round } satisfies ExtractRunJobData);
  throw new UnrecoverableError(`extract run ${runId} failed: ${reason}`);
};

async function takeUpAgain(job: Job, run: RunRow, deps: JobDeps, token: string | undefined): Promise<unknown> {
  const runId = run.id;
  const next = await takeOver(deps.dataSource, runId, job.id as string, run.round + 1);
  deps.logger.warn(
    { run: runId, round: next.round },
    'ODS extract: a failed run retried; its shards not loaded run again',
  );
  await job.updateData({ runId } satisfies ExtractRunJobData);
  await addShardsTo(
    deps.queues['ods-extract'],
    job,
    next,
    await shardsNotLoaded(deps.dataSource, runId),
    deps.config.extractShardAttempts,
  );
  if (await job.moveToWaitingChildren(token as string)) throw new WaitingChildrenError();
  return extractRunJob(job, deps, token);
}
