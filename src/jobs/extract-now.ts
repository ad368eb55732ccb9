import type { Job, Queue } from 'bullmq';
import type { PortalMetrics } from '../metrics/portal-metrics';
import type { ExtractRunProgress } from '../queue/job-data';
import type { FileOutcome } from '../services/import/types';
import { PartialFailure } from '../partial-failure';
import { startRun } from './extract.job';
import { jobHandlers } from './handlers';
import { startWorkers, type JobDeps } from './workers';

export interface ExtractNowResult {
  run: string | null;
  files: FileOutcome[];
  watermark: { from: string; to: string };
  manifest: string | null;
  shards: number;
  /** ms summed over the shards: reading the ODS and writing files, and waiting for loads to catch up. */
  timings: { write: number; waitForLoads: number };
}

const POLL_MS = 250;

/**
 * `usage-portal extract`: one whole run, now, waiting for it. This process works the run's jobs itself (beside any
 * running workers, which take shards too): it plans the run, follows the run's parent until it is done, and
 * goes on while the extract only took up an unfinished run or found one in progress, so the changes made until
 * now are in when it returns.
 */
export async function extractNow(
  deps: JobDeps,
  metrics: PortalMetrics,
  options: { since?: Date; onProgress?: (p: ExtractRunProgress) => void },
): Promise<ExtractNowResult> {
  const queue = deps.queues['ods-extract'];
  const workers = startWorkers(deps.backend, { 'ods-extract': jobHandlers['ods-extract'] }, deps, metrics);
  const files: FileOutcome[] = [];
  const timings = { write: 0, waitForLoads: 0 };
  let watermark: { from: string; to: string } | undefined;
  try {
    for (;;) {
      // Planned here rather than by a queued job: a fault (the ODS unreachable) reaches the caller with its code.
      const planned = (await startRun(deps, options.since ? { since: options.since.toISOString() } : {})) as {
        run?: string;
        runJob?: string | null;
        resumed?: boolean;
        skipped?: string;
        watermark?: { from: string; to: string };
      };
      if (!planned.runJob) {
        const at = planned.watermark?.to ?? watermark?.to ?? '0';
        return {
          run: null,
          files,
          watermark: { from: watermark?.from ?? at, to: at },
          manifest: null,
          shards: 0,
          timings,
        };
      }
      const runJob = await queue.getJob(planned.runJob);
      if (!runJob) continue;
      let outcome: { manifest: string; watermark: { from: string; to: string }; shards: number } | undefined;
      try {
        outcome = (await finished(queue, runJob.id as string, options.onProgress)) as typeof outcome;
      } finally {
        for (const shard of await shardsOf(runJob)) {
          files.push(...(shard.files ?? []));
          timings.write += shard.timings?.write ?? 0;
          timings.waitForLoads += shard.timings?.waitForLoads ?? 0;
        }
      }
      if (!outcome?.watermark) continue;
      watermark = { from: watermark?.from ?? outcome.watermark.from, to: outcome.watermark.to };
      if (!planned.resumed && !planned.skipped)
        return {
          run: planned.run ?? null,
          files,
          watermark,
          manifest: outcome.manifest,
          shards: outcome.shards,
          timings,
        };
    }
  } catch (error) {
    const at = watermark?.to ?? null;
    throw new PartialFailure(error, { files, watermark: { from: watermark?.from ?? at, to: at } });
  } finally {
    await workers.close(deps.config.shutdownTimeoutMs);
  }
}

/** Waits for the job to complete and answers its return value; a failed job throws its reason. */
async function finished(queue: Queue, jobId: string, onProgress?: (p: ExtractRunProgress) => void): Promise<unknown> {
  for (;;) {
    const current = await queue.getJob(jobId);
    if (!current) throw new Error(`job ${jobId} is gone`);
    const state = await current.getState();
    // The job read before its state may predate its end: read it again for the outcome.
    const ended = state === 'completed' || state === 'failed' ? await queue.getJob(jobId) : undefined;
    if (state === 'completed') return ended?.returnvalue;
    if (state === 'failed') throw Object.assign(new Error(ended?.failedReason), { code: 'EXTRACT_FAILED' });
    if (onProgress && current.progress && typeof current.progress === 'object')
      onProgress(current.progress as unknown as ExtractRunProgress);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** What the run's shards returned (those that completed). */
async function shardsOf(
  runJob: Job,
): Promise<{ files?: FileOutcome[]; timings?: { write: number; waitForLoads: number } }[]> {
  return Object.values(await runJob.getChildrenValues());
}
