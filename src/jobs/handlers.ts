import {
  ALERTS_DATA_MISSING,
  ALERTS_EVALUATE,
  CIM_REPLY,
  IMPORT_FILE,
  INBOX_SCAN,
  ODS_EXTRACT,
  ODS_EXTRACT_RUN,
  ODS_EXTRACT_SHARD,
  PARTITION_MAINTENANCE,
  WEBHOOK_DELIVERY,
  WEBHOOK_RELAY,
} from '../queue/job-data';
import { alertsDataMissingJob, alertsEvaluateJob } from './alerts.job';
import { cimReplyJob } from './cim-reply.job';
import { extractJob } from './extract.job';
import { extractRunJob } from './extract-run.job';
import { extractShardJob } from './extract-shard.job';
import { importJob } from './import.job';
import { inboxScanJob } from './inbox-scan.job';
import { partitionMaintenanceJob } from './partition-maintenance.job';
import { webhookDeliveryJob, webhookRelayJob } from './webhook.job';
import type { JobHandlers } from './workers';

export const jobHandlers: JobHandlers = {
  imports: { [IMPORT_FILE]: importJob, [INBOX_SCAN]: inboxScanJob },
  'ods-extract': { [ODS_EXTRACT]: extractJob, [ODS_EXTRACT_RUN]: extractRunJob, [ODS_EXTRACT_SHARD]: extractShardJob },
  maintenance: { [PARTITION_MAINTENANCE]: partitionMaintenanceJob },
  'cim-replies': { [CIM_REPLY]: cimReplyJob },
  alerts: { [ALERTS_EVALUATE]: alertsEvaluateJob, [ALERTS_DATA_MISSING]: alertsDataMissingJob },
  webhooks: { [WEBHOOK_RELAY]: webhookRelayJob, [WEBHOOK_DELIVERY]: webhookDeliveryJob },
};
