import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import { freePort } from './cli-process';
import { onPath, startRedisServer, type RedisServer } from './redis-server';

/** redis-cli (Debian's redis-tools, a dependency of redis-server) joins the nodes. */
export function redisClusterAvailable(): boolean {
  return onPath('redis-server') && onPath('redis-cli');
}

/** A suite that starts Redis Clusters of its own: skipped, and says why, where they cannot be started. */
export function describeWithRedisCluster(title: string, options: { timeout: number }, body: () => void): void {
  describe(title, options, () => {
    if (!redisClusterAvailable()) {
      it('is skipped: no redis-server and redis-cli on PATH', (t) =>
        t.skip('no redis-server and redis-cli on PATH: a Redis Cluster needs both'));
      return;
    }
    body();
  });
}

export interface RedisCluster {
  /** host:port of every master, comma-separated: the value of REDIS_CLUSTER_NODES. */
  nodes: string;
  ports: number[];
  /** The index of the master that holds `key`'s slot. */
  masterOf(key: string): Promise<number>;
  /** SIGKILL of one master: a crash; without persistence its keys are gone when it starts again. */
  kill(node: number): Promise<void>;
  /** Starts a killed master again on its port, with its cluster config file: it takes its slots back, empty. */
  restart(node: number): Promise<void>;
  /** Kills every node and removes their directories. */
  stop(): Promise<void>;
}

/** `count` distinct free loopback ports: a node's client port and its cluster bus port must not collide. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function clusterCommand(port: number, password: string | undefined, ...args: string[]): Promise<unknown> {
  const client = new IORedis({
    port,
    host: '127.0.0.1',
    password,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call('CLUSTER', ...args);
  } finally {
    client.disconnect();
  }
}

const clusterState = async (port: number, password?: string) =>
  /^cluster_state:(\w+)/m.exec((await clusterCommand(port, password, 'INFO').catch(() => '')) as string)?.[1];

async function untilClusterOk(ports: number[], password?: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await Promise.all(ports.map((port) => clusterState(port, password)))).some((state) => state !== 'ok')) {
    if (Date.now() > deadline)
      throw new Error(`the Redis Cluster on ports ${ports.join(', ')} did not reach cluster_state:ok within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A Redis Cluster of `masters` masters and no replicas, of Debian's redis-server in cluster mode on loopback ports,
 * joined by `redis-cli --cluster create`; ready when every node reports cluster_state:ok. Without persistence, as the
 * single test Redis, unless `settingsOf` (later arguments win) says otherwise for a node; every node requires
 * `password` when one is given.
 */
export async function startRedisCluster(
  options: { masters?: number; password?: string; settingsOf?: (node: number) => string[] } = {},
): Promise<RedisCluster> {
  const { masters = 3, password } = options;
  const auth = password ? ['--requirepass', password, '--masterauth', password] : [];
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const servers: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports = await freePorts(2 * masters);
    const clientPorts = ports.slice(0, masters);
    // An explicit bus port: the default (port + 10000) may be taken or beyond 65535.
    const start = (node: number) =>
      startRedisServer(clientPorts[node], join(dir, String(clientPorts[node])), [
        ...[
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-port',
          String(ports[masters + node]),
        ],
        ...auth,
        ...(options.settingsOf?.(node) ?? []),
      ]);
    for (const [node, port] of clientPorts.entries()) {
      mkdirSync(join(dir, String(port)));
      servers.push(await start(node));
    }
    const nodes = clientPorts.map((port) => `127.0.0.1:${port}`);
    const cliAuth = password ? ['-a', password, '--no-auth-warning'] : [];
    await promisify(execFile)(
      'redis-cli',
      [...cliAuth, '--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: 30_000 },
    );
    await untilClusterOk(clientPorts, password);
    return {
      nodes: nodes.join(','),
      ports: clientPorts,
      async masterOf(key) {
        const slot = (await clusterCommand(clientPorts[0], password, 'KEYSLOT', key)) as number;
        const ranges = (await clusterCommand(clientPorts[0], password, 'SLOTS')) as [
          number,
          number,
          [string, number],
        ][];
        const range = ranges.find(([first, last]) => first <= slot && slot <= last);
        return clientPorts.indexOf(Number(range?.[2][1]));
      },
      kill: (node) => servers[node].kill(),
      async restart(node) {
        servers[node] = await start(node);
        await untilClusterOk(clientPorts, password);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
