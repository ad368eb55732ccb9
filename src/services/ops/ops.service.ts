import type { Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../auth/roles';
import { QUEUE_METRICS_MINUTES, QUEUE_NAMES, type JobStateName, type QueueName, type Queues } from '../../queue/queues';
import type { Logger } from '../../logger';
import { allows, assertAllowed } from '../access/permissions';
import { InvalidInputError, UnauthenticatedError } from '../errors';
import { keyset, toPage, type Page, type PageRequest } from '../pagination';
import {
  importBatch,
  importBatchesOfJobs,
  importBatchPage,
  jobKey,
  queueOfBatch,
  type ImportBatchFilter,
} from './import-batches';
import { byParentLoader } from '../loaders';
import { cancelJob, pauseQueue, resumeQueue, retryJob, runScheduler, type ControlOutcome } from './queue-control';
import { asJobType, jobCounts, jobRecord, schedulers, throughput } from './queue-state';
import { readPostgresAnchor } from './postgres-metrics';
import type { ImportBatchRecord, JobCountsRecord, JobRecord, SchedulerRecord, ThroughputRecord } from './records';

const JOB_PAGE_MAX = 100;

/**
 * Queues, schedulers and import batches for the ops API. OPS and ADMIN read; only ADMIN changes anything (retry,
 * cancel, pause, resume, run a scheduler now) or sees stack traces. Nothing here reads customer tables.
 */
export class OpsService {
  constructor(
    private readonly deps: { dataSource: DataSource; queues: Queues; logger: Logger },
    private readonly principal: Principal | undefined,
  ) {}

  private assertStaff(): void {
    assertAllowed(this.principal, 'readOperations');
  }

  private get withStack(): boolean {
    return allows(this.principal, 'readStackTraces');
  }

  /** For node(id:): other roles get null, as for any object they may not see. */
  get visible(): boolean {
    if (!this.principal) throw new UnauthenticatedError();
    return allows(this.principal, 'readOperations');
  }

  queueNames(): readonly QueueName[] {
    this.assertStaff();
    return QUEUE_NAMES;
  }

  queue(name: QueueName): QueueName {
    this.assertStaff();
    return name;
  }

  async paused(queue: QueueName): Promise<boolean> {
    this.assertStaff();
    return this.deps.queues[queue].isPaused();
  }

  async counts(queue: QueueName): Promise<JobCountsRecord> {
    this.assertStaff();
    return jobCounts(this.deps.queues[queue]);
  }

  async throughput(queue: QueueName, minutes: number): Promise<ThroughputRecord> {
    this.assertStaff();
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > QUEUE_METRICS_MINUTES) {
      throw new InvalidInputError(`minutes must be between 1 and ${QUEUE_METRICS_MINUTES}`, 'minutes');
    }
    return throughput(this.deps.queues[queue], minutes, (name, kind) =>
      readPostgresAnchor(this.deps.dataSource, name, kind),
    );
  }

  async schedulers(queue: QueueName): Promise<SchedulerRecord[]> {
    this.assertStaff();
    return schedulers(queue, this.deps.queues[queue], this.withStack);
  }

  /** A page of the jobs in one state, in BullMQ's order (newest first); cursors are positions in that list. */
  async jobPage(queue: QueueName, state: JobStateName, request: PageRequest): Promise<Page<JobRecord>> {
    this.assertStaff();
    // The key is a position in BullMQ's list; a negative one would count from its end, a huge one fail in Redis.
    const page = keyset(request, JOB_PAGE_MAX, (key) => /^\d{1,15}$/.test(key));
    const jobs = this.deps.queues[queue];
    const count = () => jobs.getJobCountByTypes(asJobType(state));
    const first = page.afterKey === null ? 0 : Number(page.afterKey) + 1;
    // Positions [from, to] hold the page and the one job beyond it, read nearest to the cursor first.
    const beyond = page.beforeKey === null ? (page.backward ? await count() : Infinity) : Number(page.beforeKey);
    const to = page.backward ? beyond - 1 : Math.min(first + page.limit, beyond - 1);
    const from = page.backward ? Math.max(first, to - page.limit) : first;
    // Redis reads an end of -1 as the end of the list: an empty range is not asked for.
    const found = to < from ? [] : await jobs.getJobs([asJobType(state)], from, to);
    const rows = found.map((job, i) => ({ job: job as Job | undefined, position: from + i })).filter((row) => row.job);
    const result = toPage(page.backward ? rows.reverse() : rows, page, (row) => String(row.position), count);
    return { ...result, items: result.items.map(({ job }) => jobRecord(queue, job as Job, state, this.withStack)) };
  }

  async job(queue: QueueName, id: string): Promise<JobRecord | null> {
    this.assertStaff();
    // State first, then the job: a job read before its state could predate its end (no failedReason yet).
    const state = await this.deps.queues[queue].getJobState(id);
    const job = await this.deps.queues[queue].getJob(id);
    if (!job) return null;
    return jobRecord(queue, job, state === 'unknown' ? null : (state as JobStateName), this.withStack);
  }

  async importBatchPage(request: PageRequest & ImportBatchFilter): Promise<Page<ImportBatchRecord>> {
    this.assertStaff();
    if (request.from && request.to && request.from >= request.to)
      throw new InvalidInputError('from must be before to', 'to');
    return importBatchPage(this.deps.dataSource, request);
  }

  /** `id` null (a global id of another type) finds nothing. */
  async importBatch(id: string | null): Promise<ImportBatchRecord | null> {
    this.assertStaff();
    return id ? importBatch(this.deps.dataSource, id) : null;
  }

  // Per request (the service is), so a page of jobs asks for its batches in one statement.
  private readonly batchesOfJobs = byParentLoader<ImportBatchRecord>((keys) =>
    importBatchesOfJobs(this.deps.dataSource, keys),
  );

  async importBatchesOfJob(queue: QueueName, jobId: string): Promise<ImportBatchRecord[]> {
    this.assertStaff();
    return queue === 'maintenance' ? [] : this.batchesOfJobs.load(jobKey(queue, jobId));
  }

  /** The job that loads (or loaded) a batch, for its live progress; null for CLI loads and expired jobs. */
  async jobOfBatch(batch: ImportBatchRecord): Promise<JobRecord | null> {
    return batch.jobId ? this.job(queueOfBatch(batch.source), batch.jobId) : null;
  }

  private async control(
    action: string,
    target: Record<string, unknown>,
    run: () => Promise<ControlOutcome>,
  ): Promise<ControlOutcome> {
    assertAllowed(this.principal, 'controlQueues');
    const outcome = await run();
    if (outcome.refusals.length === 0) this.deps.logger.info({ ...target, by: this.principal?.subject }, action);
    return outcome;
  }

  retryJob(queue: QueueName, jobId: string): Promise<ControlOutcome> {
    return this.control('job retried', { queue, jobId }, () => retryJob(this.deps.queues[queue], jobId));
  }

  cancelJob(queue: QueueName, jobId: string): Promise<ControlOutcome> {
    return this.control('job cancelled', { queue, jobId }, () => cancelJob(this.deps.queues[queue], jobId));
  }

  pauseQueue(queue: QueueName): Promise<ControlOutcome> {
    return this.control('queue paused', { queue }, () => pauseQueue(this.deps.queues[queue]));
  }

  resumeQueue(queue: QueueName): Promise<ControlOutcome> {
    return this.control('queue resumed', { queue }, () => resumeQueue(this.deps.queues[queue]));
  }

  runScheduler(queue: QueueName, scheduler: string): Promise<ControlOutcome> {
    return this.control('scheduler run now', { queue, scheduler }, () =>
      runScheduler(this.deps.queues[queue], scheduler),
    );
  }

  /** The job after a mutation, as the caller may see it. */
  jobAfter(queue: QueueName, outcome: ControlOutcome): Promise<JobRecord | null> {
    return outcome.jobId ? this.job(queue, outcome.jobId) : Promise.resolve(null);
  }
}
