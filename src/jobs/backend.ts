import { FlowProducer, Queue, QueueEvents, Worker, createPostgresBackend, runMigrations, withBackend } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { Client } from 'pg';
import type { Config } from '../config';
import { describeConnectionError } from '../db/connection-errors';
import { BULLMQ_PG_SCHEMA } from '../queue/queues';
import { StartupError } from '../startup-error';
import { redisRequirementProblems } from './redis-requirements';

export type QueueBackendKind = 'postgres' | 'redis';

/** The BullMQ classes bound to one backend, so the rest of the code never asks which backend it runs on. */
export interface QueueBackend {
  kind: QueueBackendKind;
  prefix: string;
  Queue: typeof Queue;
  Worker: typeof Worker;
  QueueEvents: typeof QueueEvents;
  FlowProducer: typeof FlowProducer;
  /** Passed as `connection` to every Queue, Worker and QueueEvents. */
  connection: unknown;
  /** Creates BullMQ's own schema on PostgreSQL; checks that Redis answers. */
  prepare(): Promise<void>;
  ping(): Promise<void>;
  /** Settings of the backend that put the queue's state at risk (see redis-requirements.ts); none on PostgreSQL. */
  requirementProblems(): Promise<string[]>;
  /** Calls `listener` each time the backend is reachable again after a lost connection; returns the unsubscribe. */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
}

function postgresBackend(databaseUrl: string, prefix: string): QueueBackend {
  const bound = withBackend(createPostgresBackend);
  const connection = { connectionString: databaseUrl, schema: BULLMQ_PG_SCHEMA, max: 10, application_name: 'usage-portal-bullmq' };
  return {
    kind: 'postgres',
    prefix,
    Queue: bound.Queue as unknown as typeof Queue,
    Worker: bound.Worker as unknown as typeof Worker,
    QueueEvents: bound.QueueEvents as unknown as typeof QueueEvents,
    FlowProducer: bound.FlowProducer as unknown as typeof FlowProducer,
    connection,
    async prepare() {
      // runMigrations wants a dedicated client (it holds an advisory lock for the duration).
      const client = new Client({ connectionString: databaseUrl });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await runMigrations(client, BULLMQ_PG_SCHEMA);
      } finally {
        await client.end();
      }
    },
    async ping() {
      const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [BULLMQ_PG_SCHEMA]);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    // The queue lives in the portal database: its durability is the database's.
    async requirementProblems() {
      return [];
    },
    // The pool reconnects per query and the schedulers are rows that outlive a server restart; the periodic check
    // covers a restored backup.
    onReconnect() {
      return () => undefined;
    },
    async close() {},
  };
}

function redisBackend(redisUrl: string, prefix: string): QueueBackend {
  // Workers need maxRetriesPerRequest: null so a Redis restart pauses them instead of failing their commands.
  let shared: Redis | undefined;
  const connection = () => (shared ??= new IORedis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true }));
  return {
    kind: 'redis',
    prefix,
    Queue,
    Worker,
    QueueEvents,
    FlowProducer,
    get connection() {
      return connection();
    },
    async prepare() {
      const probe = new IORedis(redisUrl, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null });
      // connect() only reports "Connection is closed"; the socket error that explains why arrives as an event.
      let socketError: unknown;
      probe.on('error', (error) => (socketError = error));
      try {
        await probe.connect();
        await probe.ping();
      } catch (error) {
        throw new StartupError(describeConnectionError(socketError ?? error, 'REDIS_URL', redisUrl));
      } finally {
        probe.disconnect();
      }
    },
    async ping() {
      const pong = await Promise.race([
        connection().ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Redis did not answer PING within 3s')), 3000)),
      ]);
      if (pong !== 'PONG') throw new Error(`unexpected PING reply ${pong}`);
    },
    requirementProblems() {
      return redisRequirementProblems(connection());
    },
    onReconnect(listener) {
      const client = connection();
      client.on('ready', listener);
      return () => void client.off('ready', listener);
    },
    async close() {
      await shared?.quit().catch(() => shared?.disconnect());
      shared = undefined;
    },
  };
}

export function createQueueBackend(config: Pick<Config, 'redisUrl' | 'queuePrefix'>, databaseUrl: string): QueueBackend {
  return config.redisUrl ? redisBackend(config.redisUrl, config.queuePrefix) : postgresBackend(databaseUrl, config.queuePrefix);
}
