import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { UnrecoverableError } from 'bullmq';
import { loadConfig } from '../../src/config';
import { enqueueImport } from '../../src/jobs/import-queue';
import { createLogger } from '../../src/logger';
import { startSystem, type RunningSystem } from '../../src/main';
import { feedXml } from '../import/feed';
import { waitFor } from '../support/wait-for';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeOnEachQueueBackend } from '../support/queue-backends';

describeOnEachQueueBackend(
  'a failed import superseded by a later load of the same bytes',
  { timeout: 180_000 },
  (backend) => {
    const systems: RunningSystem[] = [];
    let db: TestDatabase | undefined;
    after(async () => {
      for (const system of systems.reverse()) await system.stop();
      await db?.drop();
    });

    it('leaves the failed list once the bytes are loaded', async () => {
      db = await createTestDatabase(`superseded_${backend.kind}`);
      const dir = mkdtempSync(join(tmpdir(), 'superseded-'));
      const config = loadConfig({
        DATABASE_URL: db.url,
        ...backend.settings(),
        DATA_DIR: dir,
        PORT: '0',
        HOST: '127.0.0.1',
      });
      const logger = createLogger('warn');
      const file = join(dir, 'feed.xml');
      writeFileSync(
        file,
        feedXml({ usagePoints: [1], start: Date.UTC(2024, 0, 1) / 1000, count: 96, value: (_, n) => n }),
      );

      // No worker yet: the first job is taken by hand and ends the way BullMQ ends a job killed once too often.
      const api = await startSystem('api', config, logger);
      systems.push(api);
      const killed = await enqueueImport(api.queues.imports, { path: file, source: 'upload' });
      const taker = new api.backend.Worker('imports', null, {
        connection: api.backend.connection as never,
        prefix: api.backend.prefix,
        autorun: false,
      });
      try {
        const taken = await taker.getNextJob('killed-worker');
        assert.equal(taken?.id, killed.id);
        await taken.moveToFailed(new UnrecoverableError('job stalled more than allowable limit'), 'killed-worker');
      } finally {
        await taker.close();
      }
      assert.deepEqual(
        (await api.queues.imports.getFailed()).map((job) => job.id),
        [killed.id],
      );

      systems.push(await startSystem('worker', config, logger));
      const loaded = await enqueueImport(api.queues.imports, { path: file, source: 'upload' });
      assert.notEqual(loaded.id, killed.id);
      await waitFor(
        'the second job to complete',
        async () => (await api.queues.imports.getJob(loaded.id as string))?.finishedOn,
        60_000,
      );
      assert.equal(await (await api.queues.imports.getJob(loaded.id as string))?.getState(), 'completed');
      assert.deepEqual(await api.queues.imports.getFailed(), []);
      assert.equal(await api.queues.imports.getJob(killed.id as string), undefined);
    });
  },
);
