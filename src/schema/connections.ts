import { Alert } from './alert.type';
import { ConnectionOf } from './connection';
import { Customer } from './customer.type';
import { CustomerAccount } from './customer-account.type';
import { ImportBatch } from './import-batch.type';
import { IntervalReading } from './interval-reading.type';
import { Job } from './job.type';
import { MeterReading } from './meter-reading.type';
import { ReadingRevision } from './reading-revision.type';
import { UsageChange } from './usage-change.type';
import { UsagePoint } from './usage-point.type';
import { UsageSummary } from './usage-summary.type';
import { WebhookDelivery } from './webhook-delivery.type';

// The concrete connection types (CustomerConnection, CustomerEdge, …), one pair per paginated node type.
export const CustomerConnection = ConnectionOf(Customer, 'Customer');
export const CustomerAccountConnection = ConnectionOf(CustomerAccount, 'CustomerAccount');
export const UsagePointConnection = ConnectionOf(UsagePoint, 'UsagePoint');
export const MeterReadingConnection = ConnectionOf(MeterReading, 'MeterReading');
export const IntervalReadingConnection = ConnectionOf(IntervalReading, 'IntervalReading');
export const UsageSummaryConnection = ConnectionOf(UsageSummary, 'UsageSummary');
export const JobConnection = ConnectionOf(Job, 'Job');
export const ImportBatchConnection = ConnectionOf(ImportBatch, 'ImportBatch');
export const UsageChangeConnection = ConnectionOf(UsageChange, 'UsageChange');
export const ReadingRevisionConnection = ConnectionOf(ReadingRevision, 'ReadingRevision');
export const AlertConnection = ConnectionOf(Alert, 'Alert');
export const WebhookDeliveryConnection = ConnectionOf(WebhookDelivery, 'WebhookDelivery');
