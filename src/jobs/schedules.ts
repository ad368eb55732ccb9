import type { Config } from '../config';
import type { Queues } from './queues';

export const PARTITION_MAINTENANCE = 'partition-maintenance';

/**
 * Job Schedulers are upserted at every start, so a changed cron in the environment takes effect on deploy and two
 * processes starting together leave one scheduler, not two.
 */
export async function registerSchedules(queues: Queues, config: Config): Promise<void> {
  await queues.maintenance.upsertJobScheduler(
    PARTITION_MAINTENANCE,
    { pattern: config.partitionCron, tz: 'UTC' },
    { name: PARTITION_MAINTENANCE, data: {} },
  );
  // Also run once now: a new installation must not wait for the night to have this month's partitions.
  await queues.maintenance.add(PARTITION_MAINTENANCE, {}, { deduplication: { id: `${PARTITION_MAINTENANCE}-startup`, ttl: 60_000 } });
}
