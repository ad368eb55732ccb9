import type { Job, JobsOptions, Queue } from 'bullmq';
import {
  ODS_EXTRACT_RUN,
  ODS_EXTRACT_SHARD,
  extractRunJobId,
  extractShardJobId,
  type ExtractRunJobData,
  type ExtractShardJobData,
} from '../queue/job-data';
import type { RunRow, ShardRow } from '../services/extract/runs';
import type { QueueBackend } from './backend';

const QUEUE = 'ods-extract';

/**
 * A shard that fails is retried alone, with backoff; once out of attempts its failure is recorded in the parent
 * (ignoreDependencyOnFailure) instead of failing it at once, so the parent still runs when the other shards are done,
 * and fails the run with every shard's reason.
 */
const shardOptions = (attempts: number): JobsOptions => ({
  attempts,
  backoff: { type: 'exponential', delay: 5_000 },
  ignoreDependencyOnFailure: true,
});

function shardJobs(run: RunRow, shards: ShardRow[], attempts: number) {
  return shards.map((s) => ({
    name: ODS_EXTRACT_SHARD,
    data: { runId: run.id, shard: s.shard } satisfies ExtractShardJobData,
    opts: { ...shardOptions(attempts), jobId: extractShardJobId(run.id, s.shard, run.round) },
  }));
}

/** The run as a flow: the parent (the run's owner, which finishes it) and one child per shard not loaded. */
export async function addRunFlow(
  backend: QueueBackend,
  run: RunRow,
  shards: ShardRow[],
  attempts: number,
): Promise<void> {
  const flows = new backend.FlowProducer({ connection: backend.connection as never, prefix: backend.prefix });
  try {
    await flows.add({
      name: ODS_EXTRACT_RUN,
      queueName: QUEUE,
      data: { runId: run.id } satisfies ExtractRunJobData,
      // The run's failure is final until ops retry it or the next run takes it up: its shards had their retries.
      opts: { jobId: extractRunJobId(run.id, run.round), attempts: 1 },
      children: shardJobs(run, shards, attempts).map((child) => ({ ...child, queueName: QUEUE })),
    });
  } finally {
    await flows.close();
  }
}

/** A parent retried after it failed its run: the shards not loaded become its children again. */
export async function addShardsTo(
  queue: Queue,
  parent: Job,
  run: RunRow,
  shards: ShardRow[],
  attempts: number,
): Promise<void> {
  await queue.addBulk(
    shardJobs(run, shards, attempts).map((child) => ({
      ...child,
      opts: { ...child.opts, parent: { id: parent.id as string, queue: parent.queueQualifiedName } },
    })),
  );
}

const ALIVE = new Set(['active', 'waiting', 'waiting-children', 'delayed', 'prioritized', 'paused']);

/** Whether the job is still to run or finish: a run it owns is not to be taken over. */
export async function jobAlive(queue: Queue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  return job !== undefined && ALIVE.has(await job.getState());
}

/** The shard each failed child stood for, with the queue's reason (the failures the parent ignored to go on). */
export function shardFailures(failures: Record<string, string>): Map<number, string> {
  const byShard = new Map<number, string>();
  for (const [key, reason] of Object.entries(failures)) {
    const shard = /-s(\d+)-r\d+$/.exec(key)?.[1];
    if (shard !== undefined) byShard.set(Number(shard), reason);
  }
  return byShard;
}
