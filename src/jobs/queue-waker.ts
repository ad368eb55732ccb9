import type { NotificationListener } from '../db/notification-listener';
import type { Logger } from '../logger';

/** The woken jobs are frequent and small: the last hundred of each outcome are kept for the dashboard. */
export const RECENT_JOBS_KEPT = { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };

export interface QueueWaker {
  /** Adds the job now (at start: what committed while nobody listened). */
  wake(): void;
  /** No job is added from now on; resolves once a job being added is in (the queue may close then). */
  stop(): Promise<void>;
}

/**
 * Adds a job soon after each NOTIFY on `channel`, so that work a commit calls for starts within moments instead of at
 * its scheduler's next run: the outbox relay on every transaction that recorded events, the alert evaluation on every
 * committed load. Notifications within `gatherMs` of the first add one job (a night's extract commits thousands), and
 * so does a reconnect of the listener, for what committed meanwhile. A lost notification only costs that speed: each
 * job's scheduler still runs it.
 */
export function wakeOnNotify(
  listener: NotificationListener,
  channel: string,
  add: () => Promise<unknown>,
  logger: Logger,
  what: string,
  gatherMs = 0,
): QueueWaker {
  let pending: NodeJS.Timeout | undefined;
  let adding: Promise<unknown> | undefined;
  let stopped = false;
  // The listener outlives the wakers at shutdown: a notification after stop() must not add to a closing queue (on a
  // Redis Cluster, that opens a connection nothing closes, and the process never exits).
  const wake = () => {
    if (stopped) return;
    pending ??= setTimeout(() => {
      pending = undefined;
      adding = add()
        .catch((error) => logger.warn({ err: error }, `${what} not woken; its scheduler runs it`))
        .finally(() => (adding = undefined));
    }, gatherMs);
  };
  listener.on(channel, { notify: wake, resumed: wake });
  return {
    wake,
    stop: async () => {
      stopped = true;
      clearTimeout(pending);
      pending = undefined;
      await adding;
    },
  };
}
