import { AlertEntity } from './alert.entity';
import { AlertRuleEntity } from './alert-rule.entity';
import { AlertWatermarkEntity } from './alert-watermark.entity';
import { CimMessageEntity } from './cim-message.entity';
import { CustomerEntity } from './customer.entity';
import { CustomerAccountEntity } from './customer-account.entity';
import { ExtractDeliveryEntity } from './extract-delivery.entity';
import { ExtractRunEntity } from './extract-run.entity';
import { ExtractShardEntity } from './extract-shard.entity';
import { EventOutboxEntity } from './event-outbox.entity';
import { ExtractWatermarkEntity } from './extract-watermark.entity';
import { ImportBatchEntity } from './import-batch.entity';
import { IntervalBlockDigestEntity } from './interval-block-digest.entity';
import { IntervalReadingEntity } from './interval-reading.entity';
import { IntervalRevisionEntity } from './interval-revision.entity';
import { MeterEntity } from './meter.entity';
import { MeterReadingEntity } from './meter-reading.entity';
import { ReadingTypeEntity } from './reading-type.entity';
import { ServiceLocationEntity } from './service-location.entity';
import { TariffEntity } from './tariff.entity';
import { TariffVersionEntity } from './tariff-version.entity';
import { UsageChangeEntity } from './usage-change.entity';
import { UsageDailyEntity } from './usage-daily.entity';
import { UsageMonthlyEntity } from './usage-monthly.entity';
import { UsagePointEntity } from './usage-point.entity';
import { UsageSummaryEntity } from './usage-summary.entity';
import { UsageSummaryLineItemEntity } from './usage-summary-line-item.entity';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export {
  AlertEntity,
  AlertRuleEntity,
  AlertWatermarkEntity,
  CimMessageEntity,
  CustomerEntity,
  CustomerAccountEntity,
  ExtractDeliveryEntity,
  ExtractRunEntity,
  ExtractShardEntity,
  EventOutboxEntity,
  ExtractWatermarkEntity,
  ImportBatchEntity,
  IntervalBlockDigestEntity,
  IntervalReadingEntity,
  IntervalRevisionEntity,
  MeterEntity,
  MeterReadingEntity,
  ReadingTypeEntity,
  ServiceLocationEntity,
  TariffEntity,
  TariffVersionEntity,
  UsageChangeEntity,
  UsageDailyEntity,
  UsageMonthlyEntity,
  UsagePointEntity,
  UsageSummaryEntity,
  UsageSummaryLineItemEntity,
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
  CustomerEntity,
  CustomerAccountEntity,
  ServiceLocationEntity,
  UsagePointEntity,
  MeterEntity,
  ReadingTypeEntity,
  MeterReadingEntity,
  ImportBatchEntity,
  IntervalReadingEntity,
  IntervalRevisionEntity,
  IntervalBlockDigestEntity,
  UsageDailyEntity,
  UsageMonthlyEntity,
  UsageSummaryEntity,
  UsageSummaryLineItemEntity,
  ExtractWatermarkEntity,
  ExtractRunEntity,
  ExtractShardEntity,
  ExtractDeliveryEntity,
  CimMessageEntity,
  TariffEntity,
  TariffVersionEntity,
  UsageChangeEntity,
  EventOutboxEntity,
  AlertRuleEntity,
  AlertEntity,
  AlertWatermarkEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
];
