import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import IORedis from 'ioredis';
import { loadConfig } from '../../src/config';
import { redisRequirementProblems } from '../../src/jobs/redis-requirements';
import { createLogger } from '../../src/logger';
import { startSystem } from '../../src/main';
import { freePort } from '../support/cli-process';
import { createTestDatabase } from '../support/database';
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
    assert.deepEqual(problems, ['Redis persistence could not be confirmed (CONFIG GET refused, AOF not reported on): make sure AOF or RDB snapshots are on']);
    const db = await createTestDatabase('redisreq');
    try {
      const config = loadConfig({ DATABASE_URL: db.url, REDIS_URL: url, QUEUE_PREFIX: `t-${randomBytes(3).toString('hex')}`, DATA_DIR: dir });
      const system = await startSystem('worker', config, createLogger('silent'));
      await system.stop();
    } finally {
      await db.drop();
    }
  });
});
