import { ErrorCode, type JobSchedulerTemplateOptions, type Queue } from 'bullmq';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { odsConfigured } from '../ods/database';
import type { Queues } from './queues';

export const PARTITION_MAINTENANCE = 'partition-maintenance';
export const INBOX_SCAN = 'inbox-scan';
export const ODS_EXTRACT = 'ods-extract';

/**
 * BullMQ refuses an upsert whose next iteration is already there in another state than delayed: a worker killed
 * while that iteration ran left it active, or a paused queue holds it. The scheduler is usually already as wanted
 * then, and the start goes on; if its pattern differs, it keeps the old one until that iteration is gone (said in the
 * log), rather than the process failing to start.
 */
async function upsertScheduler(queue: Queue, id: string, pattern: string, template: { name: string; data: object; opts?: JobSchedulerTemplateOptions }, logger: Logger) {
  try {
    await queue.upsertJobScheduler(id, { pattern, tz: 'UTC' }, template);
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code !== ErrorCode.SchedulerJobIdCollision && code !== ErrorCode.SchedulerJobSlotsBusy) throw error;
    const existing = await queue.getJobScheduler(id);
    if (!existing) throw error;
    if (existing.pattern !== pattern || existing.tz !== 'UTC') {
      logger.error({ scheduler: id, pattern: existing.pattern, wanted: pattern, err: error }, 'job scheduler not updated: its next iteration is taken; it keeps its old pattern until that iteration is gone (restart then)');
    }
  }
}

/**
 * Job Schedulers are upserted at every start, so a changed cron in the environment takes effect on deploy and two
 * processes starting together leave one scheduler, not two.
 */
export async function registerSchedules(queues: Queues, config: Config, logger: Logger): Promise<void> {
  await upsertScheduler(queues.maintenance, PARTITION_MAINTENANCE, config.partitionCron, { name: PARTITION_MAINTENANCE, data: {} }, logger);
  await upsertScheduler(
    queues.imports,
    INBOX_SCAN,
    config.inboxScanCron,
    { name: INBOX_SCAN, data: {}, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
    logger,
  );
  // Without an ODS there is nothing to extract: a scheduler left from an earlier configuration goes too.
  if (odsConfigured(config)) {
    await upsertScheduler(queues['ods-extract'], ODS_EXTRACT, config.extractCron, { name: ODS_EXTRACT, data: {} }, logger);
  } else {
    await queues['ods-extract'].removeJobScheduler(ODS_EXTRACT);
  }
  // Also run once now: a new installation must not wait for the night to have this month's partitions.
  await queues.maintenance.add(PARTITION_MAINTENANCE, {}, { deduplication: { id: `${PARTITION_MAINTENANCE}-startup`, ttl: 60_000 } });
}
