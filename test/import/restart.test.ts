import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateEspiFeed } from '../../bench/espi-parse-generate';
import { loadConfig } from '../../src/config';
import { startEmbeddedPostgres, type PostgresServer } from '../../src/db/embedded-postgres';
import { enqueueImport } from '../../src/jobs/import-queue';
import { createLogger } from '../../src/logger';
import { startSystem, type RunningSystem } from '../../src/main';
import { freePort } from '../support/cli-process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { waitFor } from '../support/wait-for';

// A server going away in the middle of a load: the job must be retried (or resumed) and complete, with every reading
// loaded once. Both servers are this test's own, so restarting them disturbs no other test.
const READINGS = 150_000;
const logger = createLogger('silent');

function startRedis(port: number, dir: string): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
    { stdio: 'ignore' },
  );
}

async function stopRedis(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const redisAvailable = !!process.env.TEST_REDIS_URL;
const dir = mkdtempSync(join(tmpdir(), 'import-restart-'));
const file = join(dir, 'feed.xml');

describe('server restarts during a load', { timeout: 600_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    while (cleanups.length) await (cleanups.pop() as () => Promise<unknown>)().catch(() => undefined);
  });

  async function loadThrough(system: RunningSystem, interrupt: () => Promise<void>, retried: boolean) {
    const job = await enqueueImport(system.queues.imports, { path: file, source: 'upload' });
    await waitFor('the load to be under way', async () => {
      const progress = (await system.queues.imports.getJob(job.id as string))?.progress as
        { readings?: number } | undefined;
      return (progress?.readings ?? 0) > READINGS / 4;
    });
    await interrupt();
    await waitFor(
      'the job to complete',
      async () => (await system.queues.imports.getJob(job.id as string))?.finishedOn,
    );
    const finished = await system.queues.imports.getJob(job.id as string);
    assert.equal(await finished?.getState(), 'completed', finished?.failedReason);
    if (retried)
      assert.ok(
        (finished?.attemptsMade ?? 0) > 1,
        `the interrupted attempt failed and was retried (attempts ${finished?.attemptsMade})`,
      );
    const [counts] = await system.database.dataSource.query(
      `SELECT count(*)::int AS n, count(DISTINCT start)::int AS starts FROM interval_reading`,
    );
    assert.equal(counts.n, READINGS);
    const batches = await system.database.dataSource.query(`SELECT status, inserted FROM import_batch`);
    assert.deepEqual(batches, [{ status: 'loaded', inserted: READINGS }]);
  }

  it('Redis restarted during a load: the job completes', async (t) => {
    if (!redisAvailable) return t.skip('no redis-server on PATH and REDIS_URL unset');
    await generateEspiFeed(file, READINGS, 1_500);
    const port = await freePort();
    const redisDir = join(dir, 'redis');
    mkdirSync(redisDir);
    let redis = startRedis(port, redisDir);
    cleanups.push(() => stopRedis(redis));
    const db: TestDatabase = await createTestDatabase('restartredis');
    cleanups.push(() => db.drop());
    const config = loadConfig({
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      QUEUE_PREFIX: `t-${randomBytes(3).toString('hex')}`,
      DATA_DIR: dir,
    });
    const system = await waitFor('the worker to start', () => startSystem('worker', config, logger));
    cleanups.push(() => system.stop());
    await loadThrough(
      system,
      async () => {
        await stopRedis(redis);
        await new Promise((r) => setTimeout(r, 1_000));
        redis = startRedis(port, redisDir);
      },
      false,
    );
  });

  it('PostgreSQL restarted during a load: the job is retried and completes', async (t) => {
    // The queue lives in Redis here, so that it outlives the PostgreSQL restart.
    if (!redisAvailable) return t.skip('no redis-server on PATH and REDIS_URL unset');
    const options = { dataDir: join(dir, 'pg'), port: await freePort(), logger };
    let pg: PostgresServer = await startEmbeddedPostgres(options);
    cleanups.push(() => pg.stop());
    const url = new URL(pg.serverUrl);
    const config = loadConfig({
      DATABASE_URL: url.toString(),
      REDIS_URL: process.env.TEST_REDIS_URL,
      QUEUE_PREFIX: `t-${randomBytes(3).toString('hex')}`,
      DATA_DIR: dir,
    });
    const system = await startSystem('worker', config, logger);
    cleanups.push(() => system.stop());
    await loadThrough(
      system,
      async () => {
        await pg.stop();
        pg = await startEmbeddedPostgres(options);
      },
      true,
    );
  });
});
