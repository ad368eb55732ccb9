import { Client } from 'pg';
import type { Logger } from '../logger';
import { WEBHOOK_RELAY } from '../queue/job-data';
import type { Queues } from '../queue/queues';
import { EVENT_CHANNEL } from '../services/webhooks/relay';

export interface RelayWaker {
  stop(): Promise<void>;
}

/**
 * Adds a relay job as soon as events commit: event_outbox's trigger NOTIFYs EVENT_CHANNEL at the commit of every
 * transaction that recorded events (a load, a failed import, an alert), so a receiver hears of a load within
 * milliseconds instead of at the relay scheduler's next run. Notifications that arrive together add one job. A lost
 * connection only costs speed (the scheduler still runs the relay); the waker reconnects.
 */
export function startRelayWaker(databaseUrl: string, queues: Queues, logger: Logger): RelayWaker {
  let client: Client | undefined;
  let stopped = false;
  let wakePending = false;
  let retry: NodeJS.Timeout | undefined;
  const wake = () => {
    if (wakePending) return;
    wakePending = true;
    setImmediate(() => {
      wakePending = false;
      queues.webhooks.add(WEBHOOK_RELAY, {}, { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } }).catch((error) => logger.warn({ err: error }, 'relay not woken; its scheduler runs it'));
    });
  };
  const connect = async () => {
    const listener = new Client({ connectionString: databaseUrl, application_name: 'usage-portal-relay-waker' });
    listener.on('notification', wake);
    listener.on('error', (error) => {
      logger.warn({ err: error }, 'relay waker lost its connection; reconnecting');
      listener.end().catch(() => undefined);
      if (!stopped) retry = setTimeout(() => void connect(), 1000);
    });
    try {
      await listener.connect();
      await listener.query(`LISTEN ${EVENT_CHANNEL}`);
      client = listener;
      if (stopped) await listener.end();
      // Events committed while no one listened.
      else wake();
    } catch (error) {
      logger.warn({ err: error }, 'relay waker could not listen; retrying');
      await listener.end().catch(() => undefined);
      if (!stopped) retry = setTimeout(() => void connect(), 1000);
    }
  };
  void connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
