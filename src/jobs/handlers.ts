import { CIM_REPLY, cimReplyJob } from './cim-reply.job';
import { extractJob } from './extract.job';
import { importJob } from './import.job';
import { IMPORT_FILE } from './import-queue';
import { inboxScanJob } from './inbox-scan.job';
import { partitionMaintenanceJob } from './partition-maintenance.job';
import { INBOX_SCAN, ODS_EXTRACT, PARTITION_MAINTENANCE } from './schedules';
import type { JobHandlers } from './workers';

export const jobHandlers: JobHandlers = {
  imports: { [IMPORT_FILE]: importJob, [INBOX_SCAN]: inboxScanJob },
  'ods-extract': { [ODS_EXTRACT]: extractJob },
  maintenance: { [PARTITION_MAINTENANCE]: partitionMaintenanceJob },
  'cim-replies': { [CIM_REPLY]: cimReplyJob },
};
