import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import IORedis from 'ioredis';
import { loadConfig } from '../../src/config';
import { createQueueBackend } from '../../src/jobs/backend';
import { redisRequirementProblems } from '../../src/jobs/redis-requirements';
import { createLogger } from '../../src/logger';
import { startSystem } from '../../src/main';
import { freePort } from '../support/cli-process';
import { createTestDatabase } from '../support/database';
import { describeWithRedisCluster, startRedisCluster } from '../support/redis-cluster';
import { redisServerAvailable, startRedisServer, type RedisServer } from '../support/redis-server';

describe('what a start says about the Redis it was given', { timeout: 120_000 }, () => {
  if (!redisServerAvailable()) {
    it('is skipped: no redis-server on PATH', (t) => t.skip('no redis-server on PATH'));
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'redis-requirements-'));
  const servers: RedisServer[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function problemsOf(settings: string[]): Promise<{ url: string; problems: string[] }> {
    const server = await startRedisServer(await freePort(), dir, settings);
    servers.push(server);
    const client = new IORedis(server.url);
    try {
      return { url: server.url, problems: await redisRequirementProblems(client) };
    } finally {
      client.disconnect();
    }
  }

  it('nothing when it persists and never evicts', async () => {
    assert.deepEqual((await problemsOf(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction'])).problems, []);
    assert.deepEqual((await problemsOf(['--save', '60 1000'])).problems, []);
  });

  it('no persistence and an eviction policy, each named', async () => {
    const { problems } = await problemsOf(['--maxmemory-policy', 'allkeys-lru']);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /no persistence/);
    assert.match(problems[1], /maxmemory-policy is allkeys-lru/);
  });

  it('a Redis that refuses CONFIG (a managed one): what INFO cannot confirm is said, and the start goes on', async () => {
    const { url, problems } = await problemsOf(['--rename-command', 'CONFIG', '']);
    assert.deepEqual(problems, [
      'Redis persistence could not be confirmed (CONFIG GET refused, AOF not reported on): make sure AOF or RDB snapshots are on',
    ]);
    const db = await createTestDatabase('redisreq');
    try {
      const config = loadConfig({
        DATABASE_URL: db.url,
        REDIS_URL: url,
        QUEUE_PREFIX: `t-${randomBytes(3).toString('hex')}`,
        DATA_DIR: dir,
      });
      const system = await startSystem('worker', config, createLogger('silent'));
      await system.stop();
    } finally {
      await db.drop();
    }
  });
});

describeWithRedisCluster('what a start says about the Redis Cluster it was given', { timeout: 120_000 }, () => {
  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    await Promise.all(stops.map((stop) => stop()));
  });
  const prepare = (env: Record<string, string>) => createQueueBackend(loadConfig(env), 'postgres://unused').prepare();

  it("checks every master's settings, and names the master", async () => {
    // Master 0 as the README asks; master 1 without persistence; master 2 also evicting.
    const cluster = await startRedisCluster({
      settingsOf: (node) => [['--appendonly', 'yes'], [], ['--maxmemory-policy', 'allkeys-lru']][node],
    });
    stops.push(cluster.stop);
    const backend = createQueueBackend(loadConfig({ REDIS_CLUSTER_NODES: cluster.nodes }), 'postgres://unused');
    try {
      await backend.prepare();
      const problems = await backend.requirementProblems();
      const [, second, third] = cluster.ports;
      assert.equal(problems.length, 3, problems.join('\n'));
      assert.match(problems[0], new RegExp(`^127\\.0\\.0\\.1:${second}: Redis has no persistence`));
      assert.match(problems[1], new RegExp(`^127\\.0\\.0\\.1:${third}: Redis has no persistence`));
      assert.match(problems[2], new RegExp(`^127\\.0\\.0\\.1:${third}: Redis maxmemory-policy is allkeys-lru`));
    } finally {
      await backend.close();
    }
  });

  it('refuses to start on a cluster it cannot reach, on a single Redis given as a cluster and on a cluster node given as one Redis', async () => {
    const cluster = await startRedisCluster();
    stops.push(cluster.stop);
    const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-misuse-'));
    const single = await startRedisServer(await freePort(), dir);
    stops.push(async () => {
      await single.kill();
      rmSync(dir, { recursive: true, force: true });
    });
    const unused = await freePort();
    await assert.rejects(prepare({ REDIS_CLUSTER_NODES: `127.0.0.1:${unused}` }), {
      name: 'StartupError',
      message: `REDIS_CLUSTER_NODES: cannot connect to 127.0.0.1:${unused}: connection refused`,
    });
    // One seed answering is enough: the client learns the other masters from it.
    await prepare({ REDIS_CLUSTER_NODES: `127.0.0.1:${unused},${cluster.nodes.split(',')[1]}` });
    const singleNode = single.url.replace('redis://', '');
    await assert.rejects(prepare({ REDIS_CLUSTER_NODES: singleNode }), {
      name: 'StartupError',
      message: `REDIS_CLUSTER_NODES: ${singleNode} is not in cluster mode: set REDIS_URL for a single Redis`,
    });
    const node = `redis://${cluster.nodes.split(',')[0]}`;
    await assert.rejects(prepare({ REDIS_URL: node }), {
      name: 'StartupError',
      message: new RegExp(`^REDIS_URL: ${node} is a Redis Cluster node: set REDIS_CLUSTER_NODES`),
    });
  });

  it('reaches a cluster that requires a password with the credentials of a URL entry, and names NOAUTH without them', async () => {
    const cluster = await startRedisCluster({ password: 'cluster-secret' });
    stops.push(cluster.stop);
    const [first, ...others] = cluster.nodes.split(',');
    await assert.rejects(prepare({ REDIS_CLUSTER_NODES: cluster.nodes }), {
      name: 'StartupError',
      message: new RegExp(`^REDIS_CLUSTER_NODES: ${first}: NOAUTH`),
    });
    // The seeds given as host:port are reached with the URL entry's password, as are the nodes the client learns.
    const backend = createQueueBackend(
      loadConfig({
        REDIS_CLUSTER_NODES: [`redis://:cluster-secret@${first}`, ...others].join(','),
        QUEUE_PREFIX: '{auth}',
      }),
      'postgres://unused',
    );
    const queue = new backend.Queue('imports', { connection: backend.connection as never, prefix: backend.prefix });
    try {
      await backend.prepare();
      await backend.ping();
      assert.equal((await backend.requirementProblems()).length, 3, 'every master read');
      await queue.add('probe', {});
      assert.equal(await queue.count(), 1);
    } finally {
      await queue.close();
      await backend.close();
    }
  });
});
