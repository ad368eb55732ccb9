import { ErrorCode, type JobSchedulerTemplateOptions } from 'bullmq';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { odsConfigured } from '../ods/database';
import {
  ALERTS_DATA_MISSING,
  ALERTS_EVALUATE,
  INBOX_SCAN,
  ODS_EXTRACT,
  PARTITION_MAINTENANCE,
  WEBHOOK_RELAY,
} from '../queue/job-data';
import type { QueueName, Queues } from '../queue/queues';
import { RECENT_JOBS_KEPT } from './queue-waker';

/**
 * Alert rules are evaluated when a load commits (queue-waker.ts, wired in main.ts); every 30 s as well, for loads
 * committed while no worker listened. DATA_MISSING rules have a daily pass, since no load tells of readings that did
 * not come.
 */
const ALERT_SCHEDULERS: ExpectedScheduler[] = [
  {
    queue: 'alerts',
    id: ALERTS_EVALUATE,
    pattern: '*/30 * * * * *',
    template: { name: ALERTS_EVALUATE, data: {}, opts: RECENT_JOBS_KEPT },
  },
  {
    queue: 'alerts',
    id: ALERTS_DATA_MISSING,
    pattern: '23 6 * * *',
    template: { name: ALERTS_DATA_MISSING, data: {} },
  },
];

/** Every 5 seconds. */
const RELAY_PATTERN = '*/5 * * * * *';

/** One Job Scheduler as this configuration wants it. */
export interface ExpectedScheduler {
  queue: QueueName;
  id: string;
  pattern: string;
  template: { name: string; data: object; opts?: JobSchedulerTemplateOptions };
}

/** The schedulers a worker of this configuration keeps registered (the ODS extract only when there is an ODS). */
export function expectedSchedulers(config: Config): ExpectedScheduler[] {
  const expected: ExpectedScheduler[] = [
    {
      queue: 'maintenance',
      id: PARTITION_MAINTENANCE,
      pattern: config.partitionCron,
      template: { name: PARTITION_MAINTENANCE, data: {} },
    },
    {
      queue: 'imports',
      id: INBOX_SCAN,
      pattern: config.inboxScanCron,
      template: {
        name: INBOX_SCAN,
        data: {},
        opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
      },
    },
    ...ALERT_SCHEDULERS,
    // The relay's safety net: events whose wake-up was lost (no worker listening at their commit) wait at most this.
    {
      queue: 'webhooks',
      id: WEBHOOK_RELAY,
      pattern: RELAY_PATTERN,
      template: {
        name: WEBHOOK_RELAY,
        data: {},
        opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
      },
    },
  ];
  if (odsConfigured(config))
    expected.push({
      queue: 'ods-extract',
      id: ODS_EXTRACT,
      pattern: config.extractCron,
      template: { name: ODS_EXTRACT, data: {} },
    });
  return expected;
}

export const schedulerName = (scheduler: ExpectedScheduler) => `${scheduler.queue}/${scheduler.id}`;

/**
 * BullMQ refuses an upsert whose next iteration is already there in another state than delayed: a worker killed
 * while that iteration ran left it active, or a paused queue holds it. The scheduler is usually already as wanted
 * then, and the caller goes on; if its pattern differs, it keeps the old one until that iteration is gone (said in
 * the log), rather than the process failing to start. The same refusal is what a process racing another one to
 * register a lost scheduler meets, so several processes asserting the same schedulers leave one of each.
 */
export async function upsertScheduler(
  queues: Queues,
  { queue, id, pattern, template }: ExpectedScheduler,
  logger: Logger,
) {
  try {
    await queues[queue].upsertJobScheduler(id, { pattern, tz: 'UTC' }, template);
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code !== ErrorCode.SchedulerJobIdCollision && code !== ErrorCode.SchedulerJobSlotsBusy) throw error;
    const existing = await queues[queue].getJobScheduler(id);
    if (!existing) throw error;
    if (existing.pattern !== pattern || existing.tz !== 'UTC') {
      logger.error(
        { scheduler: id, pattern: existing.pattern, wanted: pattern, err: error },
        'job scheduler not updated: its next iteration is taken; it keeps its old pattern until that iteration is gone (restart then)',
      );
    }
  }
}

/** The expected schedulers the queue backend does not hold (a Redis restarted without persistence, an eviction). */
export async function missingSchedulers(queues: Queues, config: Config): Promise<ExpectedScheduler[]> {
  const expected = expectedSchedulers(config);
  const found = await Promise.all(expected.map((scheduler) => queues[scheduler.queue].getJobScheduler(scheduler.id)));
  return expected.filter((_, i) => !found[i]);
}

/**
 * Job Schedulers are upserted at every start, so a changed cron in the environment takes effect on deploy and two
 * processes starting together leave one scheduler, not two.
 */
export async function registerSchedules(queues: Queues, config: Config, logger: Logger): Promise<void> {
  for (const scheduler of expectedSchedulers(config)) await upsertScheduler(queues, scheduler, logger);
  // Without an ODS there is nothing to extract: a scheduler left from an earlier configuration goes too.
  if (!odsConfigured(config)) await queues['ods-extract'].removeJobScheduler(ODS_EXTRACT);
  // Also run once now: a new installation must not wait for the night to have this month's partitions.
  await queues.maintenance.add(
    PARTITION_MAINTENANCE,
    {},
    { deduplication: { id: `${PARTITION_MAINTENANCE}-startup`, ttl: 60_000 } },
  );
}
