import { faultPoint } from '../fault-points';
import { odsUrlFor } from '../ods/database';
import { extractRunJobId, type ExtractJobData } from '../queue/job-data';
import { claimRun } from '../services/extract/claim';
import { addRunFlow, jobAlive } from './extract-flow';
import type { JobDeps, JobHandler } from './workers';

/** What starting a run did: planned or took one up (its parent job), found one in progress, or found nothing new. */
export type RunStart =
  | { run: string; runJob: string; round: number; shards: number; resumed: boolean }
  | { skipped: string; run: string; runJob: string | null }
  | { watermark: { from: string; to: string }; shards: 0 }
  | { skipped: string };

/**
 * Plans a run, or takes up an unfinished one whose owner is gone, and adds it as a flow whose shards any worker
 * takes; the run's parent job (extract-run.job.ts) finishes it. Nothing is recorded before the plan is complete.
 */
export async function startRun(
  { dataSource, config, logger, queues, backend }: JobDeps,
  data: ExtractJobData,
): Promise<RunStart> {
  const odsUrl = odsUrlFor(config, (dataSource.options as { url: string }).url);
  if (!odsUrl) return { skipped: 'no ODS: ODS_DATABASE_URL is unset and DATABASE_URL names an external server' };
  const queue = queues['ods-extract'];
  const claim = await claimRun(dataSource, {
    odsUrl,
    since: data.since ? new Date(data.since) : undefined,
    shards: config.extractShards,
    logger,
    ownerId: extractRunJobId,
    ownerAlive: (id) => jobAlive(queue, id),
  });
  if (claim.kind === 'nothing-changed') return { watermark: { from: claim.watermark, to: claim.watermark }, shards: 0 };
  if (claim.kind === 'busy')
    return { skipped: `extract run ${claim.run.id} is in progress`, run: claim.run.id, runJob: claim.run.jobId };
  faultPoint('extract:after-plan');
  await addRunFlow(backend, claim.run, claim.shards, config.extractShardAttempts);
  return {
    run: claim.run.id,
    runJob: claim.run.jobId as string,
    round: claim.run.round,
    shards: claim.shards.length,
    resumed: claim.resumed,
  };
}

/**
 * The scheduled (or requested) ODS extract. Faults (the ODS unreachable, the demo ODS still being seeded) are
 * thrown: BullMQ retries with backoff.
 */
export const extractJob: JobHandler = (job, deps) => startRun(deps, job.data as ExtractJobData);
