import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import type { Job, Queue } from 'bullmq';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startSystem, type RunningSystem } from '../../src/main';
import { seedDemoOds } from '../../src/ods/generator';
import { ODS_EXTRACT, ODS_EXTRACT_SHARD } from '../../src/queue/job-data';
import { retryJob } from '../../src/services/ops/queue-control';
import { progressOf } from '../../src/services/ops/queue-state';
import { waitFor } from '../support/wait-for';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeOnEachQueueBackend } from '../support/queue-backends';

async function settled(queue: Queue, id: string): Promise<Job> {
  return waitFor(
    `job ${id} to finish`,
    async () => {
      const state = await (await queue.getJob(id))?.getState();
      // Read again once ended: the job read before its state may predate its return value.
      return state === 'completed' || state === 'failed' ? ((await queue.getJob(id)) as Job) : undefined;
    },
    120_000,
  );
}

// One run as a flow of three shards on each queue backend: a shard failing on its only attempt fails the run with
// the reasons, nothing moves; ops retry the run's parent, which runs the failed shards again as its new children.
describeOnEachQueueBackend('ODS extract run as a flow', { timeout: 300_000 }, (backend) => {
  let system: RunningSystem | undefined;
  const dbs: TestDatabase[] = [];
  after(async () => {
    await system?.stop();
    for (const db of dbs) await db.drop();
  });

  it('fails with every shard reason, keeps the watermark, and loads once when ops retry the run', async () => {
    const portal = await createTestDatabase(`flow_${backend.kind}`);
    const ods = await createTestDatabase(`flow_ods_${backend.kind}`);
    dbs.push(portal, ods);
    const client = new Client({ connectionString: ods.url });
    await client.connect();
    let readings: number;
    try {
      await seedDemoOds(client, { customers: 6, days: 3, end: new Date('2025-03-11T00:00:00Z') });
      readings = Number((await client.query('SELECT count(*) AS n FROM ods.interval_read')).rows[0].n);
    } finally {
      await client.end();
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'flow-'));
    const config = loadConfig({
      DATABASE_URL: portal.url,
      ODS_DATABASE_URL: ods.url,
      ...backend.settings('flow'),
      DATA_DIR: dataDir,
      EXTRACT_CRON: '0 3 * * *',
      EXTRACT_SHARDS: '3',
      EXTRACT_SHARD_ATTEMPTS: '1',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    system = await startSystem('worker', config, createLogger('silent'));
    const queue = system.queues['ods-extract'];
    const db = system.database.dataSource;
    // A file where loaded/ should be: every shard's first load commits, then moving its file there fails.
    mkdirSync(config.inboxDir, { recursive: true });
    writeFileSync(join(config.inboxDir, 'loaded'), '');

    const planner = await settled(queue, (await queue.add(ODS_EXTRACT, {})).id as string);
    assert.equal(await planner.getState(), 'completed', planner.failedReason);
    const { runJob, shards } = planner.returnvalue as { runJob: string; shards: number };
    assert.equal(shards, 3);
    const failed = await settled(queue, runJob);
    assert.equal(await failed.getState(), 'failed');
    assert.match(failed.failedReason, /^extract run ods-\S+ failed: shard 0: .+; shard 1: .+; shard 2: .+$/);
    const [run] = (await db.query(`SELECT status, round, reason FROM extract_run`)) as {
      status: string;
      round: number;
      reason: string;
    }[];
    assert.equal(run.status, 'failed');
    assert.equal(
      (await db.query(`SELECT count(*)::int AS n FROM extract_watermark`))[0].n,
      0,
      'the watermark did not move',
    );
    const children = await failed.getIgnoredChildrenFailures();
    assert.equal(Object.keys(children).length, 3, 'each shard failed on its own');

    rmSync(join(config.inboxDir, 'loaded'));
    assert.deepEqual((await retryJob(queue, runJob)).refusals, []);
    const done = await waitFor(
      'the retried run to complete',
      async () => ((await (await queue.getJob(runJob))?.getState()) === 'completed' ? queue.getJob(runJob) : undefined),
      120_000,
    );
    const [loaded] = (await db.query(`SELECT status, round FROM extract_run`)) as { status: string; round: number }[];
    assert.deepEqual(loaded, { status: 'loaded', round: 2 });
    const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM interval_reading')) as { n: number }[];
    assert.equal(n, readings, 'every reading once');
    const progress = progressOf(done?.progress);
    assert.equal(progress?.shards, 3);
    assert.equal(progress?.shardsLoaded, 3);
    assert.equal(progress?.readings, readings);
    assert.equal(progress?.percent, 100);
    const shardJobs = (await queue.getJobs(['completed', 'failed'])).filter((j) => j?.name === ODS_EXTRACT_SHARD);
    assert.equal(shardJobs.length, 6, 'three shards in each round');
  });
});
