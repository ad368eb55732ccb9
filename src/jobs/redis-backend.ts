import { FlowProducer, Queue, QueueEvents, Worker } from 'bullmq';
import IORedis, { Cluster, type Redis } from 'ioredis';
import type { RedisClusterSetting, RedisNode } from '../config';
import { describeConnectionError } from '../db/connection-errors';
import { StartupError } from '../startup-error';
import type { QueueBackend } from './backend';
import { redisRequirementProblems } from './redis-requirements';

type RedisClient = Redis | Cluster;

/** What differs between one Redis and a Redis Cluster; everything else about BullMQ on them is the same. */
interface RedisTopology {
  kind: 'redis' | 'cluster';
  /** The shared client. Workers need maxRetriesPerRequest: null, so a Redis restart pauses them instead of failing their commands. */
  open(): RedisClient;
  /** Connects once without retries; a StartupError that names what to fix when that fails. */
  probe(): Promise<void>;
  /** A round trip to the server that holds the queue's keys. */
  ping(client: RedisClient): Promise<void>;
  /** The servers whose settings keep the queue's state, each with the name a problem is reported under. */
  servers(client: RedisClient): Promise<{ name?: string; server: Redis }[]>;
}

const PING_TIMEOUT_MS = 3000;

function withinPingTimeout<T>(what: string, request: Promise<T>): Promise<T> {
  return Promise.race([
    request,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not answer within ${PING_TIMEOUT_MS / 1000}s`)), PING_TIMEOUT_MS),
    ),
  ]);
}

function ioredisBackend(topology: RedisTopology, prefix: string): QueueBackend {
  let shared: RedisClient | undefined;
  const client = () => (shared ??= topology.open());
  return {
    kind: topology.kind,
    prefix,
    Queue,
    Worker,
    QueueEvents,
    FlowProducer,
    get connection() {
      return client();
    },
    prepare: () => topology.probe(),
    ping: () => topology.ping(client()),
    async requirementProblems() {
      const problems = await Promise.all(
        (await topology.servers(client())).map(async ({ name, server }) =>
          (await redisRequirementProblems(server)).map((problem) => (name ? `${name}: ${problem}` : problem)),
        ),
      );
      return problems.flat();
    },
    // A cluster is "ready" again when the client reconnected to it as a whole; one master restarted alone (with no
    // replica that took over) is only found by the schedule keeper's periodic check: the client re-adds a master
    // it lost each time it refreshes the slots, long before that master serves again, so no client event says
    // "back" for it.
    onReconnect(listener) {
      const emitter = client();
      emitter.on('ready', listener);
      return () => void emitter.off('ready', listener);
    },
    async close() {
      await shared?.quit().catch(() => shared?.disconnect());
      shared = undefined;
    },
  };
}

/** A client of one server, connected once without retries; a StartupError naming `variable` and the cause otherwise. */
async function connectOnce(redisUrl: string, variable: string): Promise<Redis> {
  const probe = new IORedis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // connect() only reports "Connection is closed"; the socket error that explains why arrives as an event.
  let socketError: unknown;
  probe.on('error', (error) => (socketError ??= error));
  try {
    await probe.connect();
    return probe;
  } catch (error) {
    probe.disconnect();
    throw new StartupError(describeConnectionError(socketError ?? error, variable, redisUrl));
  }
}

/** Whether the server runs in cluster mode; undefined when it refuses INFO (renamed, or an ACL). */
async function clusterEnabled(server: Redis, variable: string, redisUrl: string): Promise<boolean | undefined> {
  try {
    return /^cluster_enabled:1/m.test(await server.info('cluster'));
  } catch (error) {
    if (/^(ERR unknown command|NOPERM)/.test((error as Error).message)) return undefined;
    throw new StartupError(describeConnectionError(error, variable, redisUrl)); // NOAUTH: a password is missing
  }
}

export function redisBackend(redisUrl: string, prefix: string): QueueBackend {
  return ioredisBackend(
    {
      kind: 'redis',
      open: () => new IORedis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true }),
      async probe() {
        const probe = await connectOnce(redisUrl, 'REDIS_URL');
        try {
          // A cluster node answers for its own slots only: every queue whose slot lives elsewhere would fail with
          // MOVED.
          if ((await clusterEnabled(probe, 'REDIS_URL', redisUrl)) === true) {
            throw new StartupError(
              `REDIS_URL: ${redisUrl} is a Redis Cluster node: set REDIS_CLUSTER_NODES instead (and a {hash tag} in QUEUE_PREFIX)`,
            );
          }
        } finally {
          probe.disconnect();
        }
      },
      async ping(client) {
        const pong = await withinPingTimeout('Redis', client.ping());
        if (pong !== 'PONG') throw new Error(`unexpected PING reply ${pong}`);
      },
      servers: async (client) => [{ server: client as Redis }],
    },
    prefix,
  );
}

const nodeName = (node: RedisNode) =>
  node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`;

export function redisClusterBackend(setting: RedisClusterSetting, prefix: string): QueueBackend {
  const { nodes, username, password, tls } = setting;
  const seeds = nodes.map(nodeName).join(', ');
  const access = { username, password, tls: tls ? {} : undefined };
  const seedUrl = (node: RedisNode) => {
    const url = new URL(`${tls ? 'rediss' : 'redis'}://${nodeName(node)}`);
    url.username = encodeURIComponent(username ?? '');
    url.password = encodeURIComponent(password ?? '');
    return url.toString();
  };
  // A key of the prefix's slot: reading it reaches the master that holds every queue's keys.
  const slotKey = `${prefix}:ping`;
  return ioredisBackend(
    {
      kind: 'cluster',
      open: () =>
        new Cluster(nodes, { redisOptions: { ...access, maxRetriesPerRequest: null }, enableReadyCheck: true }),
      async probe() {
        // One seed answering is enough (the client learns the others from it); each tells why when none does.
        const unreachable: StartupError[] = [];
        for (const node of nodes) {
          let seed: Redis;
          try {
            seed = await connectOnce(seedUrl(node), 'REDIS_CLUSTER_NODES');
          } catch (error) {
            unreachable.push(error as StartupError);
            continue;
          }
          try {
            if ((await clusterEnabled(seed, 'REDIS_CLUSTER_NODES', seedUrl(node))) === false)
              throw new StartupError(
                `REDIS_CLUSTER_NODES: ${nodeName(node)} is not in cluster mode: set REDIS_URL for a single Redis`,
              );
          } finally {
            seed.disconnect();
          }
        }
        if (unreachable.length === nodes.length) {
          throw new StartupError(
            `REDIS_CLUSTER_NODES: ${unreachable.map((error) => error.message.replace(/^REDIS_CLUSTER_NODES: /, '')).join('; ')}`,
          );
        }
        const probe = new Cluster(nodes, {
          lazyConnect: true,
          clusterRetryStrategy: () => null,
          redisOptions: { ...access, connectTimeout: 5000, maxRetriesPerRequest: 0 },
        });
        probe.on('error', () => undefined); // the failed command below says it
        try {
          await probe.connect();
          await probe.exists(slotKey);
        } catch (error) {
          throw new StartupError(
            `REDIS_CLUSTER_NODES: the Redis Cluster of ${seeds} cannot serve QUEUE_PREFIX's slot: ${(error as Error).message}`,
          );
        } finally {
          probe.disconnect();
        }
      },
      async ping(client) {
        await withinPingTimeout(`The Redis Cluster master of ${prefix}`, client.exists(slotKey));
      },
      async servers(client) {
        await client.exists(slotKey); // the slot map, hence the list of masters, is known once a command went through
        return (client as Cluster)
          .nodes('master')
          .map((server) => ({ name: `${server.options.host}:${server.options.port}`, server }));
      },
    },
    prefix,
  );
}
