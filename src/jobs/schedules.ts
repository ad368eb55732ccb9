import type { Config } from '../config';
import { odsConfigured } from '../ods/database';
import type { Queues } from './queues';

export const PARTITION_MAINTENANCE = 'partition-maintenance';
export const INBOX_SCAN = 'inbox-scan';
export const ODS_EXTRACT = 'ods-extract';

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
  // Without an ODS there is nothing to extract: a scheduler left from an earlier configuration goes too.
  if (odsConfigured(config)) {
    await queues['ods-extract'].upsertJobScheduler(ODS_EXTRACT, { pattern: config.extractCron, tz: 'UTC' }, { name: ODS_EXTRACT, data: {} });
  } else {
    await queues['ods-extract'].removeJobScheduler(ODS_EXTRACT);
  }
  // Also run once now: a new installation must not wait for the night to have this month's partitions.
  await queues.maintenance.add(PARTITION_MAINTENANCE, {}, { deduplication: { id: `${PARTITION_MAINTENANCE}-startup`, ttl: 60_000 } });
}
