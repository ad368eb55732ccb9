import { Client } from 'pg';
import type { Logger } from '../logger';

/** What a channel's NOTIFYs are handed to. */
export interface NotificationHandler {
  /** One notification's payload. */
  notify(payload: string): void;
  /** The connection was lost and is back: notifications sent meanwhile are gone, so catch up from the tables. */
  resumed?(): void;
}

const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 30_000;
const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * One dedicated PostgreSQL connection per process that LISTENs on every channel a handler was registered for. NOTIFY
 * is sent at commit, so every process hears each committed change, whichever process or worker made it. A lost
 * connection is opened again with backoff (250 ms doubling to 30 s), and each handler is told it resumed.
 */
export class NotificationListener {
  private readonly handlers = new Map<string, Set<NotificationHandler>>();
  private client?: Client;
  private readonly retired = new WeakSet<Client>();
  private stopped = false;
  private retryMs = FIRST_RETRY_MS;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly applicationName: string,
  ) {}

  /** Registers `handler` for `channel`; returns what unregisters it. */
  on(channel: string, handler: NotificationHandler): () => void {
    if (!CHANNEL_NAME.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
    let handlers = this.handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(channel, handlers);
      // Registered while connected: listen now; otherwise the next connection listens to every channel.
      const client = this.client;
      client?.query(`LISTEN ${channel}`).catch((error: unknown) => this.lost(client, error));
    }
    const registered = handlers;
    registered.add(handler);
    return () => void registered.delete(handler);
  }

  /** Opens the connection; when it cannot, the listener says so and keeps trying in the background. */
  start(): Promise<void> {
    return this.connect(false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    this.retired.add(client);
    await client.end().catch(() => undefined);
  }

  private async connect(resumed: boolean): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.url, application_name: this.applicationName, keepAlive: true });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', ({ channel, payload }) => {
      for (const handler of this.handlers.get(channel) ?? []) handler.notify(payload ?? '');
    });
    try {
      await client.connect();
      this.client = client;
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    this.retryMs = FIRST_RETRY_MS;
    if (!resumed) return;
    this.logger.info({ channels: [...this.handlers.keys()] }, 'notification listener connected again');
    for (const handlers of this.handlers.values()) for (const handler of handlers) handler.resumed?.();
  }

  /** Called by every way a connection can fail (error, end, a failed connect or LISTEN): the first retires it and retries. */
  private lost(client: Client, error?: unknown): void {
    if (this.retired.has(client)) return;
    this.retired.add(client);
    // A late error of a retired connection must not crash the process.
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.client === client) this.client = undefined;
    if (this.stopped) return;
    this.logger.warn(
      { err: error, retryInMs: this.retryMs },
      'notification listener lost its database connection; reconnecting',
    );
    this.retry = setTimeout(() => void this.connect(true), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
  }
}
