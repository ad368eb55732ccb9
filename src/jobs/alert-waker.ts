import { Client } from 'pg';
import type { Logger } from '../logger';
import { ALERTS_EVALUATE } from '../queue/job-data';
import type { Queues } from '../queue/queues';
import { USAGE_CHANGE_CHANNEL } from '../services/events/usage-changes';
import { ALERT_JOB_RETENTION } from './alerts.job';

export interface AlertWaker {
  stop(): Promise<void>;
}

/** Notifications arriving within this much of each other (a night's extract commits thousands) add one job. */
const GATHER_MS = 250;
const RETRY_MS = 1000;

/**
 * Queues an alert evaluation as soon as a load commits: every committed load NOTIFYs USAGE_CHANGE_CHANNEL, so a
 * customer hears of a crossing within moments rather than at the next 30 s scheduled pass. A lost connection only
 * costs that speed; the waker reconnects and wakes the evaluator once, for what committed meanwhile.
 */
export function startAlertWaker(databaseUrl: string, queues: Queues, logger: Logger): AlertWaker {
  let client: Client | undefined;
  let stopped = false;
  let gathering: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  const wake = () => {
    gathering ??= setTimeout(() => {
      gathering = undefined;
      queues.alerts.add(ALERTS_EVALUATE, {}, ALERT_JOB_RETENTION).catch((error) => logger.warn({ err: error }, 'alert evaluation not queued; its scheduler runs it'));
    }, GATHER_MS);
  };
  const reconnect = (listener: Client, error: unknown) => {
    if (client !== listener && client !== undefined) return;
    client = undefined;
    listener.end().catch(() => undefined);
    if (stopped) return;
    logger.warn({ err: error }, 'alert waker lost its database connection; reconnecting');
    retry = setTimeout(() => void connect(), RETRY_MS);
  };
  const connect = async () => {
    const listener = new Client({ connectionString: databaseUrl, application_name: 'usage-portal-alert-waker', keepAlive: true });
    listener.on('notification', wake);
    listener.on('error', (error) => reconnect(listener, error));
    client = listener;
    try {
      await listener.connect();
      await listener.query(`LISTEN ${USAGE_CHANGE_CHANNEL}`);
      if (stopped) await listener.end();
      else wake();
    } catch (error) {
      reconnect(listener, error);
    }
  };
  void connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      clearTimeout(gathering);
      await client?.end().catch(() => undefined);
    },
  };
}
