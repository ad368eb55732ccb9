import type { Config } from '../config';
import type { Logger } from '../logger';
import type { QueueBackend } from './backend';
import type { Queues } from '../queue/queues';
import { missingSchedulers, schedulerName, upsertScheduler } from './schedules';

/**
 * How often a worker process checks that every scheduler it expects exists. A Redis restart is also noticed at once
 * (the reconnect); the periodic check covers what no connection sees: an eviction, a FLUSHALL, a queue database
 * restored from an older backup. A check is one read per scheduler.
 */
export const SCHEDULER_CHECK_MS = 30_000;

export interface ScheduleKeeper {
  stop(): Promise<void>;
}

/**
 * Registers again any expected scheduler the backend lost, so a Redis restarted without persistence does not stop
 * every schedule until the next deploy. Only missing ones are upserted: several processes doing this at once meet
 * BullMQ's collision on the same iteration id, which upsertScheduler takes as done, and leave one of each.
 */
export function keepSchedules(queues: Queues, backend: QueueBackend, config: Config, logger: Logger): ScheduleKeeper {
  let running: Promise<void> | undefined;
  const restore = async () => {
    const missing = await missingSchedulers(queues, config);
    for (const scheduler of missing) await upsertScheduler(queues, scheduler, logger);
    if (missing.length > 0) {
      logger.warn(
        { schedulers: missing.map(schedulerName) },
        'job schedulers were missing from the queue backend (a restart without persistence, an eviction): registered again',
      );
    }
  };
  const check = () => {
    running ??= restore()
      .catch((error) =>
        logger.warn({ err: error, nextCheckMs: SCHEDULER_CHECK_MS }, 'could not check the job schedulers'),
      )
      .finally(() => (running = undefined));
  };
  const timer = setInterval(check, SCHEDULER_CHECK_MS).unref();
  const unsubscribe = backend.onReconnect(check);
  return {
    async stop() {
      clearInterval(timer);
      unsubscribe();
      await running;
    },
  };
}

/** For /readyz: a process whose workers cannot run their schedules is not ready, and says which are missing. */
export async function assertSchedulersPresent(queues: Queues, config: Config): Promise<void> {
  const missing = await missingSchedulers(queues, config);
  if (missing.length > 0) {
    throw new Error(
      `job schedulers missing: ${missing.map(schedulerName).join(', ')} (registered again within ${SCHEDULER_CHECK_MS / 1000} s)`,
    );
  }
}
