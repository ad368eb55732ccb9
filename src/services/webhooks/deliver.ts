import type { DataSource } from 'typeorm';
import type { WebhookFormat } from '../../entities';
import { allowedUrl } from '../outbound-url';
import { batchListBody, eventBody, eventsOf } from './bodies';
import { postOnce } from './post';
import { DELIVERY_ID_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, signatureOf } from './signature';

/** How long one attempt may take, connection to last byte of the answer. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

export interface DeliveryContext {
  /** WEBHOOK_URLS now: an endpoint whose URL has left it is not posted to. */
  allowedUrls: readonly URL[];
  /** PUBLIC_BASE_URL + ESPI_REST_PATH, for BatchList resources. */
  espiBaseUrl: string;
  /** No retry follows this attempt: a failure fails the delivery (replayable). */
  lastAttempt: boolean;
}

export type AttemptResult =
  { outcome: 'delivered' | 'skipped' } | { outcome: 'failed'; retry: boolean; reason: string };

interface DeliveryRow {
  status: string;
  eventIds: string[];
  url: string;
  format: WebhookFormat;
  secret: string;
  enabled: boolean;
}

/**
 * One attempt at a delivery, recorded in webhook_attempt: a 2xx delivers it; anything else fails the attempt, and
 * the delivery too when no retry follows (or none could help: the endpoint disabled, its URL no longer allowed).
 * A delivery already delivered or failed is left alone (its job added twice, or replayed since).
 */
export async function attemptDelivery(
  db: DataSource,
  deliveryId: string,
  context: DeliveryContext,
): Promise<AttemptResult> {
  const [row] = (await db.query(
    `SELECT d.status, d.event_ids::text[] AS "eventIds", p.url, p.format, p.secret, p.enabled
       FROM webhook_delivery d JOIN webhook_endpoint p ON p.id = d.endpoint_id WHERE d.id = $1`,
    [deliveryId],
  )) as DeliveryRow[];
  if (!row || row.status !== 'pending') return { outcome: 'skipped' };
  const url = allowedUrl(row.url, context.allowedUrls);
  if (!row.enabled || !url) {
    const reason = row.enabled ? `${row.url} is no longer under WEBHOOK_URLS` : 'the endpoint is disabled';
    await record(db, deliveryId, { error: reason, durationMs: 0 }, 'failed');
    return { outcome: 'failed', retry: false, reason };
  }
  const events = await eventsOf(db, row.eventIds);
  const json = row.format === 'JSON';
  const body = json ? eventBody(events[0]) : await batchListBody(db, events, context.espiBaseUrl);
  const timestamp = Math.floor(Date.now() / 1000);
  const answer = await postOnce(
    url,
    body,
    {
      'content-type': json ? 'application/json' : 'application/xml; charset=utf-8',
      'user-agent': 'usage-portal-webhooks',
      [SIGNATURE_HEADER]: signatureOf(row.secret, timestamp, body),
      [EVENT_ID_HEADER]: events[0].id,
      [DELIVERY_ID_HEADER]: deliveryId,
    },
    ATTEMPT_TIMEOUT_MS,
  );
  const ok = answer.statusCode !== undefined && answer.statusCode >= 200 && answer.statusCode < 300;
  await record(db, deliveryId, answer, ok ? 'delivered' : context.lastAttempt ? 'failed' : 'pending');
  if (ok) return { outcome: 'delivered' };
  return {
    outcome: 'failed',
    retry: !context.lastAttempt,
    reason: answer.error ?? `${url.origin} answered HTTP ${answer.statusCode}`,
  };
}

/** The attempt in the log and where the delivery stands after it, together. */
async function record(
  db: DataSource,
  deliveryId: string,
  attempt: { statusCode?: number; error?: string; durationMs: number },
  status: string,
): Promise<void> {
  await db.query(
    `WITH attempt AS (INSERT INTO webhook_attempt (delivery_id, duration_ms, status_code, error) VALUES ($1, $2, $3, $4))
     UPDATE webhook_delivery SET status = $5, finished_at = CASE WHEN $5 = 'pending' THEN NULL ELSE clock_timestamp() END WHERE id = $1`,
    [deliveryId, attempt.durationMs, attempt.statusCode ?? null, attempt.error ?? null, status],
  );
}
