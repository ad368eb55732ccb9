import { faultPoint } from '../fault-points';
import { odsUrlFor } from '../ods/database';
import { extractRunJobId, type ExtractJobData } from '../queue/job-data';
import { claimRun } from '../services/extract/claim';
import { addRunFlow, jobAlive } from './extract-flow';
import type { JobHandler } from './workers';

/**
 * The scheduled (or requested) ODS extract-and-load: plans a run, or takes up an unfinished one whose owner is gone,
 * and adds it as a flow whose shards any worker takes. Done once the flow is added; the run's parent job
 * (extract-run.job.ts) finishes the run. Faults (the ODS unreachable, the demo ODS still being seeded) are thrown:
 * BullMQ retries with backoff, and nothing is recorded before the plan is complete.
 */
export const extractJob: JobHandler = async (job, { dataSource, config, logger, queues, backend }) => {
  const odsUrl = odsUrlFor(config, (dataSource.options as { url: string }).url);
  if (!odsUrl) return { skipped: 'no ODS: ODS_DATABASE_URL is unset and DATABASE_URL names an external server' };
  const { since } = job.data as ExtractJobData;
  const queue = queues['ods-extract'];
  const claim = await claimRun(dataSource, {
    odsUrl,
    since: since ? new Date(since) : undefined,
    shards: config.extractShards,
    logger,
    ownerId: extractRunJobId,
    ownerAlive: (id) => jobAlive(queue, id),
  });
  if (claim.kind === 'nothing-changed') return { watermark: { from: claim.watermark, to: claim.watermark }, shards: 0 };
  if (claim.kind === 'busy') return { skipped: `extract run ${claim.run.id} is in progress`, run: claim.run.id, runJob: claim.run.jobId };
  faultPoint('extract:after-plan');
  await addRunFlow(backend, claim.run, claim.shards);
  return { run: claim.run.id, runJob: claim.run.jobId, round: claim.run.round, shards: claim.shards.length, resumed: claim.resumed };
};
