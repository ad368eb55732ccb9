import { basename } from 'node:path';
import type { Job, JobType, Queue } from 'bullmq';
import { countJobs, type JobStateName, type QueueName } from '../../queue/queues';
import type { JobCountsRecord, JobProgressRecord, JobRecord, SchedulerRecord, ThroughputRecord } from './records';
import { failureRate, finishedWithin, minuteOf, type MinuteSeries } from './throughput';

// Reading queues for ops, through the BullMQ Queue objects, on either backend.

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const date = (epochMs: number | undefined | null): Date | null => (epochMs ? new Date(epochMs) : null);

export function progressOf(progress: unknown): JobProgressRecord | null {
  if (typeof progress === 'number')
    return {
      phase: null,
      percent: progress,
      readings: null,
      readingsTotal: null,
      bytes: null,
      bytesTotal: null,
      files: null,
      filesTotal: null,
      shards: null,
      shardsLoaded: null,
    };
  if (!progress || typeof progress !== 'object') return null;
  // The import job reports { phase, readings, bytes, total }, an extract run's parent its shards' sums
  // { phase, shards, shardsLoaded, files, readings, readingsTotal }.
  const p = progress as Record<string, unknown>;
  const record: JobProgressRecord = {
    phase: typeof p.phase === 'string' ? p.phase : null,
    percent: null,
    readings: num(p.readings),
    readingsTotal: num(p.readingsTotal),
    bytes: num(p.bytes),
    bytesTotal: num(p.total),
    files: num(p.files),
    filesTotal: num(p.filesTotal),
    shards: num(p.shards),
    shardsLoaded: num(p.shardsLoaded),
  };
  const ratio = (done: number | null, total: number | null) =>
    done !== null && total ? Math.min(100, (100 * done) / total) : null;
  record.percent =
    record.phase === 'done'
      ? 100
      : (ratio(record.files, record.filesTotal) ??
        ratio(record.bytes, record.bytesTotal) ??
        ratio(record.readings, record.readingsTotal));
  return record;
}

export function jobRecord(queue: QueueName, job: Job, state: JobStateName | null, withStack: boolean): JobRecord {
  const path = (job.data as { path?: unknown } | undefined)?.path;
  return {
    queue,
    id: job.id ?? '',
    name: job.name,
    state,
    progress: progressOf(job.progress),
    attemptsMade: job.attemptsMade,
    attemptsAllowed: job.opts.attempts ?? 1,
    createdAt: new Date(job.timestamp),
    processedAt: date(job.processedOn),
    finishedAt: date(job.finishedOn),
    failedReason: job.failedReason || null,
    stacktrace: withStack ? (job.stacktrace ?? []) : null,
    file: typeof path === 'string' ? basename(path) : null,
    scheduler: job.repeatJobKey ?? null,
  };
}

// BullMQ's types leave out 'paused', which the PostgreSQL backend reports for the waiting jobs of a paused queue.
export const asJobType = (state: JobStateName) => state as JobType;

export async function jobCounts(queue: Queue): Promise<JobCountsRecord> {
  const counts = await countJobs(queue);
  const of = (state: JobStateName) => counts[state] ?? 0;
  return {
    waiting: of('waiting'),
    active: of('active'),
    delayed: of('delayed'),
    prioritized: of('prioritized'),
    waitingChildren: of('waiting-children'),
    paused: of('paused'),
    completed: of('completed'),
    failed: of('failed'),
  };
}

/** Where the newest per-minute point stands: BullMQ's metrics meta (prevTS, prevCount). */
export interface MetricsAnchor {
  prevTS: number;
  prevCount: number;
}

/**
 * BullMQ's PostgreSQL backend answers getMetrics without prevTS and prevCount (always 0), so they are read from its
 * metrics table, in the portal database, when the queue's own answer lacks them.
 */
export type AnchorReader = (queue: string, kind: 'completed' | 'failed') => Promise<MetricsAnchor | undefined>;

async function minuteSeries(
  queue: Queue,
  kind: 'completed' | 'failed',
  minutes: number,
  readAnchor: AnchorReader,
): Promise<{ series?: MinuteSeries; total: number }> {
  const metrics = await queue.getMetrics(kind, 0, minutes - 1);
  const total = metrics.meta.count;
  if (total === 0) return { total };
  const anchor = metrics.meta.prevTS > 0 ? metrics.meta : await readAnchor(queue.name, kind);
  if (!anchor?.prevTS) return { total };
  return {
    total,
    series: { points: metrics.data, anchorMinute: minuteOf(anchor.prevTS), inAnchorMinute: total - anchor.prevCount },
  };
}

export async function throughput(
  queue: Queue,
  minutes: number,
  readAnchor: AnchorReader,
  nowMs = Date.now(),
): Promise<ThroughputRecord> {
  const [completed, failed] = await Promise.all([
    minuteSeries(queue, 'completed', minutes, readAnchor),
    minuteSeries(queue, 'failed', minutes, readAnchor),
  ]);
  const done = finishedWithin(completed.series, nowMs, minutes);
  const broken = finishedWithin(failed.series, nowMs, minutes);
  return {
    minutes,
    completed: done,
    failed: broken,
    failureRate: failureRate(done, broken),
    completedTotal: completed.total,
    failedTotal: failed.total,
  };
}

// How far back the last run of a scheduler is looked for among the finished jobs.
const LAST_RUN_SCAN = 100;

export async function schedulers(queueName: QueueName, queue: Queue, withStack: boolean): Promise<SchedulerRecord[]> {
  const list = await queue.getJobSchedulers(0, -1, true);
  if (list.length === 0) return [];
  const [completed, failed] = await Promise.all([
    queue.getJobs(['completed'], 0, LAST_RUN_SCAN - 1),
    queue.getJobs(['failed'], 0, LAST_RUN_SCAN - 1),
  ]);
  const finished = [
    ...completed.map((job) => [job, 'completed'] as const),
    ...failed.map((job) => [job, 'failed'] as const),
  ].filter(([job]) => job?.finishedOn);
  return list.map((s) => {
    // A scheduler's runs carry its job name, whether scheduled or started by hand (jobSchedulerRun, odsExtractStart).
    let last: (typeof finished)[number] | undefined;
    for (const entry of finished)
      if (entry[0].name === s.name && (!last || (entry[0].finishedOn as number) > (last[0].finishedOn as number)))
        last = entry;
    return {
      queue: queueName,
      id: s.key,
      jobName: s.name,
      pattern: s.pattern ?? null,
      everyMs: s.every ?? null,
      timeZone: s.tz ?? null,
      nextRunAt: date(s.next),
      lastRun: last ? jobRecord(queueName, last[0] as Job, last[1], withStack) : null,
    };
  });
}
