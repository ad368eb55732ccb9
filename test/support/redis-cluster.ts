import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import { freePort } from './cli-process';
import { onPath, startRedisServer, type RedisServer } from './redis-server';

/** redis-cli (Debian's redis-tools, a dependency of redis-server) joins the nodes. */
export function redisClusterAvailable(): boolean {
  return onPath('redis-server') && onPath('redis-cli');
}

export interface RedisCluster {
  /** host:port of every master, comma-separated: the value of REDIS_CLUSTER_NODES. */
  nodes: string;
  ports: number[];
  /** Kills every node and removes their directories. */
  stop(): Promise<void>;
}

/** `count` distinct free loopback ports: a node's client port and its cluster bus port must not collide. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function clusterState(port: number): Promise<string | undefined> {
  const client = new IORedis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return /^cluster_state:(\w+)/m.exec((await client.call('CLUSTER', 'INFO')) as string)?.[1];
  } finally {
    client.disconnect();
  }
}

/**
 * A Redis Cluster of `masters` masters and no replicas, of Debian's redis-server in cluster mode on loopback ports,
 * joined by `redis-cli --cluster create`; ready when every node reports cluster_state:ok. Without persistence, as the
 * single test Redis, unless `settingsOf` (later arguments win) says otherwise for a node.
 */
export async function startRedisCluster(options: { masters?: number; settingsOf?: (node: number) => string[] } = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const servers: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports = await freePorts(2 * masters);
    const clientPorts = ports.slice(0, masters);
    for (const [node, port] of clientPorts.entries()) {
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir);
      // An explicit bus port: the default (port + 10000) may be taken or beyond 65535.
      const cluster = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(ports[masters + node])];
      servers.push(await startRedisServer(port, nodeDir, [...cluster, ...(options.settingsOf?.(node) ?? [])]));
    }
    const nodes = clientPorts.map((port) => `127.0.0.1:${port}`);
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    const deadline = Date.now() + 30_000;
    while ((await Promise.all(clientPorts.map(clusterState))).some((state) => state !== 'ok')) {
      if (Date.now() > deadline) throw new Error(`the Redis Cluster on ${nodes.join(', ')} did not reach cluster_state:ok within 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { nodes: nodes.join(','), ports: clientPorts, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
