import type { Config } from '../config';
import type { Queues } from './queues';

export const PARTITION_MAINTENANCE = 'partition-maintenance';
export const INBOX_SCAN = 'inbox-scan';

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
  await queues.imports.upsertJobScheduler(
    INBOX_SCAN,
    { pattern: config.inboxScanCron, tz: 'UTC' },
    { name: INBOX_SCAN, data: {}, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
  );
  // Also run once now: a new installation must not wait for the night to have this month's partitions.
  await queues.maintenance.add(PARTITION_MAINTENANCE, {}, { deduplication: { id: `${PARTITION_MAINTENANCE}-startup`, ttl: 60_000 } });
}
