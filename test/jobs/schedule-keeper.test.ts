import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { loadConfig } from '../../src/config';
import { SCHEDULER_CHECK_MS } from '../../src/jobs/schedule-keeper';
import { expectedSchedulers, upsertScheduler } from '../../src/jobs/schedules';
import { createLogger } from '../../src/logger';
import { startSystem, type RunningSystem } from '../../src/main';
import { waitFor } from '../support/wait-for';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeOnEachQueueBackend } from '../support/queue-backends';

describeOnEachQueueBackend('lost job schedulers', { timeout: 240_000 }, (backend) => {
  const systems: RunningSystem[] = [];
  let db: TestDatabase | undefined;
  after(async () => {
    for (const system of systems) await system.stop();
    await db?.drop();
  });

  it('are reported by /readyz and registered again, once, by processes racing to do it', async () => {
    db = await createTestDatabase(`keeper_${backend.kind}`);
    const config = loadConfig({
      DATABASE_URL: db.url,
      ...backend.settings(),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'keeper-')),
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const logger = createLogger('error');
    systems.push(await startSystem('serve', config, logger), await startSystem('serve', config, logger));
    const [first, second] = systems;
    const expected = expectedSchedulers(config);
    const removeAll = () => Promise.all(expected.map(({ queue, id }) => first.queues[queue].removeJobScheduler(id)));
    const registered = async () => {
      const out: Record<string, { schedulers: string[]; iterations: number }> = {};
      for (const { queue, id } of expected) {
        out[id] = {
          // A queue may hold several schedulers (alerts: the evaluation and the data-missing pass): count this one.
          schedulers: (await first.queues[queue].getJobSchedulers()).map((s) => s.key).filter((key) => key === id),
          iterations: (await first.queues[queue].getDelayed()).filter((job) => job.repeatJobKey === id).length,
        };
      }
      return out;
    };
    const once = Object.fromEntries(expected.map(({ id }) => [id, { schedulers: [id], iterations: 1 }]));
    assert.deepEqual(await registered(), once);

    await removeAll();
    const lost = await fetch(`${second.http?.url}/readyz`);
    assert.equal(lost.status, 503);
    const { checks } = (await lost.json()) as { checks: Record<string, string> };
    assert.equal(checks.queue, 'ok');
    assert.match(checks.schedulers, /job schedulers missing: maintenance\/partition-maintenance, imports\/inbox-scan/);

    await waitFor(
      'the periodic check to register them again',
      async () => (await fetch(`${second.http?.url}/readyz`)).status === 200,
      SCHEDULER_CHECK_MS * 2,
    );
    assert.deepEqual(await registered(), once);

    // The race itself, made certain: every process upserts every lost scheduler at the same moment.
    await removeAll();
    await Promise.all(
      systems.flatMap((system) =>
        [0, 1].flatMap(() => expected.map((scheduler) => upsertScheduler(system.queues, scheduler, logger))),
      ),
    );
    assert.deepEqual(await registered(), once);
  });
});
