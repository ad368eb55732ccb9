import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startSystem, type RunningSystem } from '../../src/main';
import { registerSchedules } from '../../src/jobs/schedules';
import { INBOX_SCAN, PARTITION_MAINTENANCE } from '../../src/queue/job-data';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeOnEachQueueBackend } from '../support/queue-backends';
import { waitFor } from '../support/wait-for';

describeOnEachQueueBackend('job system', { timeout: 180_000 }, (backend) => {
  const systems: RunningSystem[] = [];
  let db: TestDatabase | undefined;
  after(async () => {
    for (const system of systems) await system.stop();
    await db?.drop();
  });

  it('registers one scheduler however many workers start, and runs partition maintenance', async () => {
    db = await createTestDatabase(`jobs_${backend.kind}`);
    const config = loadConfig({
      DATABASE_URL: db.url,
      ...backend.settings(),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'jobs-')),
      PARTITION_MONTHS_AHEAD: '2',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const logger = createLogger('warn');
    systems.push(await startSystem('worker', config, logger));
    systems.push(await startSystem('serve', config, logger));
    const [first] = systems;
    assert.equal(first.backend.kind, backend.kind);

    const schedulers = await first.queues.maintenance.getJobSchedulers();
    assert.deepEqual(
      schedulers.map((s) => [s.key, s.pattern]),
      [[PARTITION_MAINTENANCE, config.partitionCron]],
    );

    const completed = await waitFor(
      'the startup partition maintenance job',
      async () => {
        const jobs = await first.queues.maintenance.getCompleted();
        return jobs.find((job) => job.name === PARTITION_MAINTENANCE);
      },
      60_000,
    );
    const now = new Date();
    assert.equal(
      completed.returnvalue.from,
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
    );

    const expected = [0, 1, 2].map((offset) => {
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
      return `interval_reading_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
    });
    const rows = (await first.database.dataSource.query(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
         WHERE p.relname = 'interval_reading' ORDER BY 1`,
    )) as { relname: string }[];
    for (const name of expected)
      assert.ok(
        rows.some((r) => r.relname === name),
        `partition ${name} missing: ${JSON.stringify(rows)}`,
      );

    const ready = await fetch(`${systems[1].http?.url}/readyz`);
    assert.equal(ready.status, 200);

    // A worker killed as a scheduler's iteration ran leaves that job behind under the id the next start's upsert
    // computes: the start must go on, with the scheduler as configured.
    const [iteration] = (await first.queues.imports.getDelayed()).filter((job) => job.repeatJobKey === INBOX_SCAN);
    assert.ok(iteration, 'the inbox scan has its next iteration waiting');
    await first.queues.imports.pause();
    try {
      await iteration.promote();
      await registerSchedules(first.queues, config, logger);
    } finally {
      await first.queues.imports.resume();
    }
    const scan = await first.queues.imports.getJobScheduler(INBOX_SCAN);
    assert.equal(scan?.pattern, config.inboxScanCron);
  });
});
