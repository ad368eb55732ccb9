import { partitionMaintenanceJob } from './partition-maintenance.job';
import { PARTITION_MAINTENANCE } from './schedules';
import type { JobHandlers } from './workers';

export const jobHandlers: JobHandlers = {
  maintenance: { [PARTITION_MAINTENANCE]: partitionMaintenanceJob },
};
