import type { JobsOptions, Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { WEBHOOK_DELIVERY, type WebhookDeliveryJobData } from '../../queue/job-data';

/**
 * The retry schedule: the first attempt at once, then 12 retries 30 s, 1, 2, 4 … 1024 min apart (BullMQ's
 * exponential backoff, 30 s * 2^(n-1)): the last attempt comes 34 hours after the first, so a receiver down for a
 * day still gets every event.
 */
export const DELIVERY_ATTEMPTS = 13;
export const FIRST_RETRY_DELAY_MS = 30_000;

// The job of a delivery's round (0, then one per replay): one id per (delivery, round), and a delivery is one
// (endpoint, event) row, so a relay run redone after a crash re-adds the same job, which BullMQ ignores.
const deliveryJobId = (deliveryId: string, round: number) => `webhook-${deliveryId}-${round}`;

const JOB_OPTIONS: JobsOptions = {
  attempts: DELIVERY_ATTEMPTS,
  backoff: { type: 'exponential', delay: FIRST_RETRY_DELAY_MS },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

const PAGE = 1000;

/**
 * Adds the job of every delivery not queued yet (those the relay just wrote, those a crash after its commit left,
 * replays) and marks them queued. The job finds its delivery already delivered if it is added twice after its row
 * was (re)marked, so an add repeated by two relays costs one job at most.
 */
export async function enqueueUnqueued(db: DataSource, queue: Queue): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = (await db.query(
      `SELECT id::text, round FROM webhook_delivery WHERE NOT queued ORDER BY id LIMIT ${PAGE}`,
    )) as { id: string; round: number }[];
    if (rows.length === 0) return total;
    await queue.addBulk(
      rows.map(({ id, round }) => ({
        name: WEBHOOK_DELIVERY,
        data: { deliveryId: id } satisfies WebhookDeliveryJobData,
        opts: { ...JOB_OPTIONS, jobId: deliveryJobId(id, round) },
      })),
    );
    await db.query(
      `UPDATE webhook_delivery d SET queued = true FROM unnest($1::bigint[], $2::int[]) AS q (id, round) WHERE d.id = q.id AND d.round = q.round`,
      [rows.map((r) => r.id), rows.map((r) => r.round)],
    );
    total += rows.length;
    if (rows.length < PAGE) return total;
  }
}
