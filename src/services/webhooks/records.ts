import type { WebhookDeliveryStatus, WebhookFormat } from '../../entities';

export interface WebhookEndpointRecord {
  id: string;
  url: string;
  format: WebhookFormat;
  events: string[];
  /** Null: every customer. */
  customerIds: string[] | null;
  enabled: boolean;
  createdAt: Date;
  /** Only right after create or rotate: it is never shown again. */
  secret?: string;
}

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
