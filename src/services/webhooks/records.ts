import { WebhookEndpointEntity, type WebhookDeliveryStatus } from '../../entities';
import { entityFields, selectColumns, type EntityRow, type EntitySelect } from '../../entities/columns';

// An endpoint's secret is read only by the delivery that signs with it, never listed.
const ENDPOINT_FIELDS = entityFields<WebhookEndpointEntity>()([
  'id',
  'url',
  'format',
  'events',
  'customerIds',
  'enabled',
  'createdAt',
]);
export type WebhookEndpointRecord = EntityRow<WebhookEndpointEntity, typeof ENDPOINT_FIELDS> & {
  /** Only right after create or rotate: it is never shown again. */
  secret?: string;
};
/** An endpoint's record, over `webhook_endpoint` unaliased (the statements that return one are on it alone). */
export const ENDPOINT_COLUMNS = selectColumns(WebhookEndpointEntity, ENDPOINT_FIELDS, '');

export const WEBHOOK_SELECTS: readonly EntitySelect[] = [{ entity: WebhookEndpointEntity, columns: ENDPOINT_COLUMNS }];

export interface WebhookAttemptRecord {
  attemptedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

export interface WebhookDeliveryRecord {
  id: string;
  endpointId: string;
  eventId: string;
  eventIds: string[];
  kind: string;
  status: WebhookDeliveryStatus;
  createdAt: Date;
  finishedAt: Date | null;
  attempts: WebhookAttemptRecord[];
}

/** Event kinds an endpoint can take; a Green Button third party, only those that change usage data. */
export const WEBHOOK_EVENT_KINDS = ['USAGE_LOADED', 'USAGE_REVISED', 'ALERT_RAISED', 'IMPORT_FAILED'] as const;
export const BATCH_LIST_EVENT_KINDS: readonly string[] = ['USAGE_LOADED', 'USAGE_REVISED'];
