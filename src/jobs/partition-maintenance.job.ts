import type { JobHandler } from './workers';
import { ensureIntervalPartitions } from '../services/partitions';

function monthStart(date: Date, offsetMonths: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offsetMonths, 1));
}

/** Keeps interval_reading partitions ready from this month to PARTITION_MONTHS_AHEAD months out. */
export const partitionMaintenanceJob: JobHandler = async (_job, { dataSource, config, logger }) => {
  const now = new Date();
  const from = monthStart(now, 0);
  const to = monthStart(now, config.partitionMonthsAhead + 1);
  const created = await ensureIntervalPartitions(dataSource, from, to);
  logger.info({ from, to, created }, 'interval partitions ensured');
  return { from: from.toISOString(), to: to.toISOString(), created };
};
