import { CIM_REPLY, IMPORT_FILE, INBOX_SCAN, ODS_EXTRACT, PARTITION_MAINTENANCE } from '../queue/job-data';
import { cimReplyJob } from './cim-reply.job';
import { extractJob } from './extract.job';
import { importJob } from './import.job';
import { inboxScanJob } from './inbox-scan.job';
import { partitionMaintenanceJob } from './partition-maintenance.job';
import type { JobHandlers } from './workers';

export const jobHandlers: JobHandlers = {
  imports: { [IMPORT_FILE]: importJob, [INBOX_SCAN]: inboxScanJob },
  'ods-extract': { [ODS_EXTRACT]: extractJob },
  maintenance: { [PARTITION_MAINTENANCE]: partitionMaintenanceJob },
  'cim-replies': { [CIM_REPLY]: cimReplyJob },
};
