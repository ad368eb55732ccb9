import type { JobsOptions, Queue } from 'bullmq';
import type { ImportJobData } from '../../queue/job-data';
import type { Refusal } from '../errors';
import { restoreRejected } from '../import/files';

/** What a control action did: the job it touched or created, or why it did nothing. */
export interface ControlOutcome {
  jobId?: string;
  refusals: Refusal[];
}

const refused = (code: string, argument: string, message: string): ControlOutcome => ({
  refusals: [{ code, argument, message }],
});

const notFound = (queue: Queue, jobId: string) =>
  refused('JOB_NOT_FOUND', 'jobId', `no job ${jobId} in the ${queue.name} queue (it may be past its retention)`);

/**
 * Retries a failed job with a fresh set of attempts. A file rejected from the inbox is moved back from rejected/
 * first, so that fixing it there and retrying is all it takes.
 */
export async function retryJob(queue: Queue, jobId: string): Promise<ControlOutcome> {
  const job = await queue.getJob(jobId);
  if (!job) return notFound(queue, jobId);
  const state = await job.getState();
  if (state !== 'failed')
    return refused('JOB_NOT_FAILED', 'jobId', `job ${jobId} is ${state}: only failed jobs can be retried`);
  const data = job.data as Partial<ImportJobData>;
  if (data.inbox && data.path && data.rejectedTo) {
    await restoreRejected(data.path, data.rejectedTo);
    const { rejectedTo: _restored, ...rest } = data;
    await job.updateData(rest);
  }
  await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  return { jobId, refusals: [] };
}

const CANCELLABLE = new Set(['waiting', 'delayed', 'prioritized', 'paused', 'waiting-children']);

/**
 * Removes a job that has not started (or waits for a retry). A running job is not interrupted: a load is one
 * transaction that either commits or rolls back whole, and stopping it half-way would only waste the work done.
 * Pause the queue to keep the next ones from starting. A scheduler's next run is left to the scheduler.
 */
export async function cancelJob(queue: Queue, jobId: string): Promise<ControlOutcome> {
  const job = await queue.getJob(jobId);
  if (!job) return notFound(queue, jobId);
  const state = await job.getState();
  if (state === 'active')
    return refused(
      'JOB_ACTIVE',
      'jobId',
      `job ${jobId} is running and is not interrupted; pause the queue to stop the next ones`,
    );
  if (!CANCELLABLE.has(state))
    return refused('JOB_FINISHED', 'jobId', `job ${jobId} is ${state}: there is nothing left to cancel`);
  if (job.repeatJobKey)
    return refused(
      'SCHEDULED_RUN',
      'jobId',
      `job ${jobId} is the next run of scheduler ${job.repeatJobKey}; change the schedule instead`,
    );
  await job.remove();
  return { jobId, refusals: [] };
}

/** Stops workers from taking new jobs from the queue (on every process); running jobs finish. */
export async function pauseQueue(queue: Queue): Promise<ControlOutcome> {
  await queue.pause();
  return { refusals: [] };
}

export async function resumeQueue(queue: Queue): Promise<ControlOutcome> {
  await queue.resume();
  return { refusals: [] };
}

// Options of a scheduler's template that make sense for a one-off run; the rest belongs to the schedule.
const ONE_OFF_OPTIONS = ['attempts', 'backoff', 'removeOnComplete', 'removeOnFail', 'priority'] as const;

/** Adds one run of a Job Scheduler's job now, with the scheduler's data and retention; the schedule is unchanged. */
export async function runScheduler(queue: Queue, schedulerId: string): Promise<ControlOutcome> {
  const scheduler = await queue.getJobScheduler(schedulerId);
  if (!scheduler)
    return refused('SCHEDULER_NOT_FOUND', 'scheduler', `no Job Scheduler "${schedulerId}" on the ${queue.name} queue`);
  const template = (scheduler.template ?? {}) as { data?: unknown; opts?: JobsOptions };
  const opts: JobsOptions = {};
  for (const key of ONE_OFF_OPTIONS)
    if (template.opts?.[key] !== undefined) Object.assign(opts, { [key]: template.opts[key] });
  const job = await queue.add(scheduler.name, template.data ?? {}, opts);
  return { jobId: job.id, refusals: [] };
}
