import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { faultPoint } from '../../fault-points';
import { enqueueUnqueued } from './delivery-jobs';

/** NOTIFYed (by event_outbox's trigger) at the commit of every transaction that recorded events. */
export const EVENT_CHANNEL = 'usage_portal_event';

const EVENTS_PER_STATEMENT = 1000;

/**
 * One statement, so atomic: the oldest pending events (SKIP LOCKED: relays in several workers take different ones),
 * one delivery per enabled endpoint that takes the kind and whose customer scope holds the event's customer (or that
 * has none), one BatchList delivery per Green Button third party listing its events, and the events marked
 * dispatched. Returns how many events it took.
 */
async function dispatchPending(db: DataSource): Promise<number> {
  const [{ events }] = (await db.query(
    `WITH ev AS (
       SELECT id, kind, customer_id FROM event_outbox WHERE dispatched_at IS NULL ORDER BY id LIMIT ${EVENTS_PER_STATEMENT} FOR UPDATE SKIP LOCKED),
     matched AS (
       SELECT p.id AS endpoint_id, p.format, ev.id AS event_id
         FROM ev JOIN webhook_endpoint p ON p.enabled AND ev.kind = ANY (p.events) AND (p.customer_ids IS NULL OR ev.customer_id = ANY (p.customer_ids))),
     single AS (
       INSERT INTO webhook_delivery (endpoint_id, event_id, event_ids)
       SELECT endpoint_id, event_id, ARRAY[event_id] FROM matched WHERE format = 'JSON' ORDER BY event_id, endpoint_id),
     batched AS (
       INSERT INTO webhook_delivery (endpoint_id, event_id, event_ids)
       SELECT endpoint_id, min(event_id), array_agg(event_id ORDER BY event_id) FROM matched WHERE format = 'ESPI_BATCHLIST' GROUP BY endpoint_id ORDER BY 2, 1),
     dispatched AS (
       UPDATE event_outbox SET dispatched_at = clock_timestamp() WHERE id IN (SELECT id FROM ev) RETURNING id)
     SELECT count(*)::int AS events FROM dispatched`,
  )) as { events: number }[];
  return events;
}

/**
 * The outbox relay: dispatches every pending event, then queues the deliveries' jobs (after the commit: a job never
 * runs for a delivery that was rolled back). A crash between the two leaves deliveries not queued, which the next
 * run (the scheduler's, a few seconds later) queues.
 */
export async function relayEvents(db: DataSource, queue: Queue): Promise<{ events: number; queued: number }> {
  let events = 0;
  for (;;) {
    const taken = await dispatchPending(db);
    events += taken;
    if (taken < EVENTS_PER_STATEMENT) break;
  }
  if (events > 0) faultPoint('webhooks:after-dispatch');
  return { events, queued: await enqueueUnqueued(db, queue) };
}
