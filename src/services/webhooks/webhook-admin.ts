import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../auth/roles';
import type { WebhookDeliveryStatus, WebhookFormat } from '../../entities';
import { allows, assertAllowed } from '../access/permissions';
import { idOf } from '../access/global-id';
import { InvalidInputError, UnauthenticatedError, type Refusal } from '../errors';
import { allowedUrl } from '../outbound-url';
import { keyset, toPage, type Page, type PageRequest } from '../pagination';
import { enqueueUnqueued } from './delivery-jobs';
import {
  BATCH_LIST_EVENT_KINDS,
  ENDPOINT_COLUMNS,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
} from './records';
import { newWebhookSecret } from './signature';

export interface EndpointInput {
  url: string;
  events: string[];
  /** Global ids of customers; null or absent: every customer. */
  customerIds?: string[] | null;
  format?: WebhookFormat | null;
}

export interface Outcome<T> {
  value?: T;
  refusals: Refusal[];
}

/**
 * Webhook endpoints and Green Button third parties (an endpoint of format ESPI_BATCHLIST) and their delivery log:
 * ADMIN registers, disables, rotates and replays; OPS and ADMIN read. What was asked wrongly (a URL outside
 * WEBHOOK_URLS, no event kind, an unknown customer) is a refusal; nothing is changed then.
 */
export class WebhookAdmin {
  constructor(
    private readonly deps: { dataSource: DataSource; queues: { webhooks: Queue }; config: { webhookUrls: URL[] } },
    private readonly principal: Principal | undefined,
  ) {}

  private get db() {
    return this.deps.dataSource;
  }

  async create(input: EndpointInput): Promise<Outcome<WebhookEndpointRecord>> {
    assertAllowed(this.principal, 'manageWebhooks');
    const format = input.format ?? 'JSON';
    const refusals: Refusal[] = [];
    const url = allowedUrl(input.url, this.deps.config.webhookUrls);
    if (!url)
      refusals.push({
        code: 'URL_NOT_ALLOWED',
        argument: 'url',
        message: `${input.url} is not an http(s) URL under WEBHOOK_URLS`,
      });
    const events = [...new Set(input.events)];
    if (events.length === 0)
      refusals.push({ code: 'NO_EVENTS', argument: 'events', message: 'name at least one event kind' });
    const unsent = format === 'ESPI_BATCHLIST' ? events.filter((kind) => !BATCH_LIST_EVENT_KINDS.includes(kind)) : [];
    if (unsent.length)
      refusals.push({
        code: 'EVENT_NOT_NOTIFIED',
        argument: 'events',
        message: `a Green Button third party is notified of usage changes only, not ${unsent.join(', ')}`,
      });
    const customerIds = input.customerIds == null ? null : await this.customers(input.customerIds, refusals);
    if (refusals.length) return { refusals };
    const secret = newWebhookSecret();
    const [record] = (await this.db.query(
      `INSERT INTO webhook_endpoint (url, format, events, customer_ids, secret) VALUES ($1, $2, $3, $4, $5) RETURNING ${ENDPOINT_COLUMNS}`,
      [url?.href, format, events, customerIds, secret],
    )) as WebhookEndpointRecord[];
    return { value: { ...record, secret }, refusals };
  }

  /** The database ids of the customers named, or refusals for ids that are not customers. */
  private async customers(ids: string[], refusals: Refusal[]): Promise<string[]> {
    const keys = ids.map((id) => idOf(id, 'Customer'));
    const known = keys.some((key) => key === null)
      ? []
      : (
          (await this.db.query(`SELECT id::text FROM customer WHERE id = ANY ($1::bigint[])`, [keys])) as {
            id: string;
          }[]
        ).map((r) => r.id);
    const unknown = ids.filter((_, i) => !known.includes(keys[i] as string));
    if (unknown.length)
      refusals.push({
        code: 'CUSTOMER_NOT_FOUND',
        argument: 'customerIds',
        message: `no customer ${unknown.join(', ')}`,
      });
    if (ids.length === 0)
      refusals.push({
        code: 'NO_CUSTOMERS',
        argument: 'customerIds',
        message: 'leave customerIds out for every customer, or name at least one',
      });
    return [...new Set(known)];
  }

  async disable(id: string): Promise<Outcome<WebhookEndpointRecord>> {
    assertAllowed(this.principal, 'manageWebhooks');
    return this.updated(id, `UPDATE webhook_endpoint SET enabled = false WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`);
  }

  async rotateSecret(id: string): Promise<Outcome<WebhookEndpointRecord>> {
    assertAllowed(this.principal, 'manageWebhooks');
    const secret = newWebhookSecret();
    const outcome = await this.updated(
      id,
      `UPDATE webhook_endpoint SET secret = $2 WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [secret],
    );
    return outcome.value ? { value: { ...outcome.value, secret }, refusals: [] } : outcome;
  }

  private async updated(id: string, sql: string, more: unknown[] = []): Promise<Outcome<WebhookEndpointRecord>> {
    const key = idOf(id, 'WebhookEndpoint');
    const [record] = key ? ((await this.db.query(sql, [key, ...more])) as [WebhookEndpointRecord[], number])[0] : [];
    return record
      ? { value: record, refusals: [] }
      : { refusals: [{ code: 'NOT_FOUND', argument: 'id', message: `no webhook endpoint ${id}` }] };
  }

  async endpoints(): Promise<WebhookEndpointRecord[]> {
    assertAllowed(this.principal, 'readWebhooks');
    return (await this.db.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint ORDER BY id`,
    )) as WebhookEndpointRecord[];
  }

  async endpoint(id: string): Promise<WebhookEndpointRecord | null> {
    assertAllowed(this.principal, 'readWebhooks');
    const [record] = (await this.db.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE id = $1`, [
      id,
    ])) as WebhookEndpointRecord[];
    return record ?? null;
  }

  /** Whether the caller may see endpoints and deliveries at all (node(id:) answers null otherwise). */
  get visible(): boolean {
    if (!this.principal) throw new UnauthenticatedError();
    return allows(this.principal, 'readWebhooks');
  }

  /** The delivery log, newest first, with every attempt of each delivery. */
  async deliveries(
    request: PageRequest & { endpoint?: string | null; status?: WebhookDeliveryStatus | null },
  ): Promise<Page<WebhookDeliveryRecord>> {
    assertAllowed(this.principal, 'readWebhooks');
    const page = keyset(request);
    const endpoint = request.endpoint == null ? null : idOf(request.endpoint, 'WebhookEndpoint');
    if (request.endpoint != null && !endpoint)
      throw new InvalidInputError('endpoint is not the id of a webhook endpoint', 'endpoint');
    const filter = `($1::bigint IS NULL OR d.endpoint_id = $1) AND ($2::text IS NULL OR d.status = $2)`;
    const params = [endpoint, request.status ?? null];
    const rows = (await this.db.query(
      `${DELIVERY_SELECT} WHERE ${filter} AND ($3::bigint IS NULL OR d.id < $3) AND ($4::bigint IS NULL OR d.id > $4)
        ORDER BY d.id ${page.backward ? 'ASC' : 'DESC'} LIMIT $5`,
      [...params, page.afterKey, page.beforeKey, page.limit + 1],
    )) as WebhookDeliveryRecord[];
    const count = async () =>
      (
        (await this.db.query(`SELECT count(*)::int AS n FROM webhook_delivery d WHERE ${filter}`, params)) as {
          n: number;
        }[]
      )[0].n;
    return toPage(rows, page, (row) => row.id, count);
  }

  async delivery(id: string): Promise<WebhookDeliveryRecord | null> {
    assertAllowed(this.principal, 'readWebhooks');
    const [record] = (await this.db.query(`${DELIVERY_SELECT} WHERE d.id = $1`, [id])) as WebhookDeliveryRecord[];
    return record ?? null;
  }

  /** Posts a delivery again from its first attempt (same event id and body; signed anew), in a job of its own. */
  async replay(id: string): Promise<Outcome<WebhookDeliveryRecord>> {
    assertAllowed(this.principal, 'manageWebhooks');
    const key = idOf(id, 'WebhookDelivery');
    const rows = key
      ? (
          (await this.db.query(
            `UPDATE webhook_delivery SET status = 'pending', round = round + 1, queued = false, finished_at = NULL WHERE id = $1 AND status <> 'pending' RETURNING id::text`,
            [key],
          )) as [{ id: string }[], number]
        )[0]
      : [];
    if (!rows.length) {
      const exists = key && (await this.delivery(key));
      return {
        refusals: [
          exists
            ? { code: 'DELIVERY_PENDING', argument: 'id', message: `delivery ${id} is still being attempted` }
            : { code: 'NOT_FOUND', argument: 'id', message: `no webhook delivery ${id}` },
        ],
      };
    }
    await enqueueUnqueued(this.db, this.deps.queues.webhooks);
    return { value: (await this.delivery(rows[0].id)) as WebhookDeliveryRecord, refusals: [] };
  }
}

const DELIVERY_SELECT = `
  SELECT d.id::text, d.endpoint_id::text AS "endpointId", d.event_id::text AS "eventId", d.event_ids::text[] AS "eventIds", e.kind, d.status,
         d.created_at AS "createdAt", d.finished_at AS "finishedAt",
         coalesce((SELECT json_agg(json_build_object('attemptedAt', a.attempted_at, 'durationMs', a.duration_ms, 'statusCode', a.status_code, 'error', a.error) ORDER BY a.id)
                     FROM webhook_attempt a WHERE a.delivery_id = d.id), '[]') AS attempts
    FROM webhook_delivery d JOIN event_outbox e ON e.id = d.event_id`;
