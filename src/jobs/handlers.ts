import { importJob } from './import.job';
import { IMPORT_FILE } from './import-queue';
import { inboxScanJob } from './inbox-scan.job';
import { partitionMaintenanceJob } from './partition-maintenance.job';
import { INBOX_SCAN, PARTITION_MAINTENANCE } from './schedules';
import type { JobHandlers } from './workers';

export const jobHandlers: JobHandlers = {
  imports: { [IMPORT_FILE]: importJob, [INBOX_SCAN]: inboxScanJob },
  maintenance: { [PARTITION_MAINTENANCE]: partitionMaintenanceJob },
};
