import type { Job, Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { transaction } from '../../db/pool';
import type { CimEnvelope } from '../../cim';
import type { ImportJobData } from '../../queue/job-data';
import type { QueueAccess } from '../../queue/queue-access';
import type { SpooledBody } from './spool';

export interface PushRegistration {
  job: Job<ImportJobData>;
  /** True when this MessageID was received before: nothing was enqueued, `job` is the first message's load. */
  duplicate: boolean;
}

/**
 * Enqueues the load of a pushed message spooled in `body`, once per (sender, MessageID): a resend finds the first
 * message's job and enqueues nothing. The register row and the job are made together: a failed enqueue leaves no row,
 * and a concurrent resend waits on the row's unique key until this one is committed. Messages without a MessageID
 * are deduplicated by their bytes only (the import job's checksum). The body is adopted by the job that names it;
 * otherwise (a resend, bytes already waiting in another job) it stays the caller's to dispose of.
 */
export async function registerPush(
  db: DataSource,
  queueAccess: QueueAccess,
  args: { body: SpooledBody; envelope: CimEnvelope; sender: string; replyAddress?: string },
): Promise<PushRegistration | undefined> {
  const { envelope, body } = args;
  const data: ImportJobData = {
    path: body.path,
    source: 'cim',
    cim: { request: { header: envelope.header, soap: envelope.soap }, replyAddress: args.replyAddress },
  };
  const messageId = envelope.header?.messageId;
  const enqueue = async () => {
    const job = await queueAccess.enqueueImport(data, body.checksum);
    // Deduplicated onto a job already waiting for the same bytes, the body is not taken: that job has its own copy.
    if (job.data.path === body.path) body.adopt();
    return job;
  };
  if (!messageId) return { job: await enqueue(), duplicate: false };
  return transaction(db, async (client) => {
    const { rows: inserted } = await client.query<{ id: string }>(
      `INSERT INTO cim_message (sender, message_id, verb, checksum) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT uq_cim_message_sender_message DO NOTHING RETURNING id`,
      [args.sender, messageId, envelope.header?.verb, body.checksum],
    );
    if (!inserted.length) {
      const {
        rows: [first],
      } = await client.query<{ job_id: string | null }>(
        `SELECT job_id FROM cim_message WHERE sender = $1 AND message_id = $2`,
        [args.sender, messageId],
      );
      const job = first?.job_id
        ? ((await queueAccess.queues.imports.getJob(first.job_id)) as Job<ImportJobData> | undefined)
        : undefined;
      return job ? { job, duplicate: true } : undefined;
    }
    const job = await enqueue();
    await client.query(`UPDATE cim_message SET job_id = $2 WHERE id = $1`, [inserted[0].id, job.id]);
    return { job, duplicate: false };
  });
}

export type JobOutcome =
  { state: 'completed'; value: unknown } | { state: 'failed'; reason: string } | { state: 'pending' };

/** Waits (polling, so it works on both queue backends and across processes) until the job is decided or time is up. */
export async function waitForJob(queue: Queue, jobId: string, timeoutMs: number): Promise<JobOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const state = await queue.getJobState(jobId);
    if (state === 'completed' || state === 'failed') {
      // Read after its state: a job read before could have finished in between, and lack its outcome.
      const job = await queue.getJob(jobId);
      if (job) return state === 'completed' ? { state, value: job.returnvalue } : { state, reason: job.failedReason };
    }
    if (Date.now() + delay > deadline) return { state: 'pending' };
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
