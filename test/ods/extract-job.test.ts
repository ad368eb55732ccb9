import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { ODS_EXTRACT } from '../../src/queue/job-data';
import { createLogger } from '../../src/logger';
import { startSystem, type RunningSystem } from '../../src/main';
import { seedDemoOds } from '../../src/ods/generator';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeOnEachQueueBackend } from '../support/queue-backends';

describeOnEachQueueBackend('ODS extract job', { timeout: 180_000 }, (backend) => {
  let system: RunningSystem | undefined;
  const dbs: TestDatabase[] = [];
  after(async () => {
    await system?.stop();
    for (const db of dbs) await db.drop();
  });

  it('is scheduled from EXTRACT_CRON and, run, loads every ODS reading', async () => {
    const portal = await createTestDatabase(`odsjob_${backend.kind}`);
    const ods = await createTestDatabase(`odsjob_ods_${backend.kind}`);
    dbs.push(portal, ods);
    const client = new Client({ connectionString: ods.url });
    await client.connect();
    let readings: number;
    try {
      await seedDemoOds(client, { customers: 4, days: 3, end: new Date('2025-03-11T00:00:00Z') });
      readings = Number((await client.query('SELECT count(*) AS n FROM ods.interval_read')).rows[0].n);
    } finally {
      await client.end();
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'odsjob-'));
    const config = loadConfig({
      DATABASE_URL: portal.url,
      ODS_DATABASE_URL: ods.url,
      ...backend.settings(),
      DATA_DIR: dataDir,
      EXTRACT_CRON: '0 3 * * *',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    system = await startSystem('worker', config, createLogger('warn'));
    const queue = system.queues['ods-extract'];
    assert.deepEqual(
      (await queue.getJobSchedulers()).map((s) => [s.key, s.pattern]),
      [[ODS_EXTRACT, '0 3 * * *']],
    );

    const finished = async (id: string) => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const state = await (await queue.getJob(id))?.getState();
        // Read again once ended: the job read before its state may predate its return value.
        if (state === 'completed' || state === 'failed' || Date.now() > deadline)
          return { job: await queue.getJob(id), state };
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    // The scheduled job plans the run and adds its flow; the run's parent job finishes it.
    const planner = await finished((await queue.add(ODS_EXTRACT, {})).id as string);
    assert.equal(planner.state, 'completed', planner.job?.failedReason);
    const { job: done, state } = await finished(planner.job?.returnvalue.runJob);
    assert.equal(state, 'completed', done?.failedReason);
    assert.ok(readings > 100);
    assert.equal(done?.returnvalue.readings, readings);
    assert.equal(done?.returnvalue.inserted, readings);
    const [{ n }] = (await system.database.dataSource.query('SELECT count(*)::int AS n FROM interval_reading')) as {
      n: number;
    }[];
    assert.equal(n, readings);
  });
});
