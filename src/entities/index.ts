import { AlertEntity } from './alert.entity';
import { AlertRuleEntity } from './alert-rule.entity';
import { AlertWatermark } from './alert-watermark.entity';
import { CimMessage } from './cim-message.entity';
import { Customer } from './customer.entity';
import { CustomerAccount } from './customer-account.entity';
import { ExtractDelivery } from './extract-delivery.entity';
import { ExtractRun } from './extract-run.entity';
import { ExtractShard } from './extract-shard.entity';
import { EventOutboxEntity } from './event-outbox.entity';
import { ExtractWatermark } from './extract-watermark.entity';
import { ImportBatch } from './import-batch.entity';
import { IntervalBlockDigest } from './interval-block-digest.entity';
import { IntervalReading } from './interval-reading.entity';
import { IntervalRevision } from './interval-revision.entity';
import { Meter } from './meter.entity';
import { MeterReading } from './meter-reading.entity';
import { ReadingType } from './reading-type.entity';
import { ServiceLocation } from './service-location.entity';
import { TariffEntity } from './tariff.entity';
import { TariffVersionEntity } from './tariff-version.entity';
import { UsageChangeEntity } from './usage-change.entity';
import { UsageDaily } from './usage-daily.entity';
import { UsageMonthly } from './usage-monthly.entity';
import { UsagePoint } from './usage-point.entity';
import { UsageSummary } from './usage-summary.entity';
import { UsageSummaryLineItem } from './usage-summary-line-item.entity';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export {
  AlertEntity,
  AlertRuleEntity,
  AlertWatermark,
  CimMessage,
  Customer,
  CustomerAccount,
  ExtractDelivery,
  ExtractRun,
  ExtractShard,
  EventOutboxEntity,
  ExtractWatermark,
  ImportBatch,
  IntervalBlockDigest,
  IntervalReading,
  IntervalRevision,
  Meter,
  MeterReading,
  ReadingType,
  ServiceLocation,
  TariffEntity,
  TariffVersionEntity,
  UsageChangeEntity,
  UsageDaily,
  UsageMonthly,
  UsagePoint,
  UsageSummary,
  UsageSummaryLineItem,
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEndpointEntity,
};
export type { ImportSource, ImportStatus } from './import-batch.entity';
export type { ExtractRunStatus } from './extract-run.entity';
export type { ExtractShardStatus } from './extract-shard.entity';
export type { WebhookFormat } from './webhook-endpoint.entity';
export type { WebhookDeliveryStatus } from './webhook-delivery.entity';
export { ESTIMATED_QUALITY_CODES, ESTIMATED_QUALITY_MASK, qualityMask } from './interval-reading.entity';

export const entities = [
  Customer,
  CustomerAccount,
  ServiceLocation,
  UsagePoint,
  Meter,
  ReadingType,
  MeterReading,
  ImportBatch,
  IntervalReading,
  IntervalRevision,
  IntervalBlockDigest,
  UsageDaily,
  UsageMonthly,
  UsageSummary,
  UsageSummaryLineItem,
  ExtractWatermark,
  ExtractRun,
  ExtractShard,
  ExtractDelivery,
  CimMessage,
  TariffEntity,
  TariffVersionEntity,
  UsageChangeEntity,
  EventOutboxEntity,
  AlertRuleEntity,
  AlertEntity,
  AlertWatermark,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
];
