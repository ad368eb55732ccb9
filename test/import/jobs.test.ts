import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { loadConfig } from '../../src/config';
import { enqueueImport } from '../../src/jobs/import-queue';
import { INBOX_SCAN } from '../../src/queue/job-data';
import { createLogger } from '../../src/logger';
import { startSystem, type RunningSystem } from '../../src/main';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { feedXml } from './feed';
import { waitFor } from '../support/wait-for';
import { describeOnEachQueueBackend } from '../support/queue-backends';

const START = Date.UTC(2024, 0, 1, 5) / 1000;

describeOnEachQueueBackend('import jobs', { timeout: 240_000 }, (backend) => {
  const systems: RunningSystem[] = [];
  let db: TestDatabase | undefined;
  after(async () => {
    for (const system of systems) await system.stop();
    await db?.drop();
  });

  it('scans the inbox, loads good files to loaded/, rejects bad ones with their reason, on two workers', async () => {
    db = await createTestDatabase(`importjobs_${backend.kind}`);
    const dataDir = mkdtempSync(join(tmpdir(), 'import-jobs-'));
    const inbox = join(dataDir, 'inbox');
    mkdirSync(inbox, { recursive: true });
    const config = loadConfig({
      DATABASE_URL: db.url,
      ...backend.settings(),
      DATA_DIR: dataDir,
      INBOX_SCAN_CRON: '*/1 * * * * *',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const logger = createLogger('warn');
    systems.push(await startSystem('worker', config, logger));
    systems.push(await startSystem('worker', config, logger));
    const [first] = systems;
    const schedulers = await first.queues.imports.getJobSchedulers();
    assert.deepEqual(
      schedulers.map((s) => [s.key, s.pattern]),
      [[INBOX_SCAN, '*/1 * * * * *']],
    );

    const old = new Date(Date.now() - 60_000);
    const drop = (name: string, text: string) => {
      writeFileSync(join(inbox, name), text);
      utimesSync(join(inbox, name), old, old);
    };
    const files = [1, 2, 3, 4].map((u) => `good-${u}.xml`);
    files.forEach((name, i) =>
      drop(
        name,
        feedXml({ usagePoints: [i + 1, 9], start: START + i * 96 * 900, count: 300, value: (u, n) => u + n + i * 96 }),
      ),
    );
    const good = feedXml({ usagePoints: [7], start: START, count: 50, value: () => 3 });
    drop('bad.xml', good.slice(0, good.length / 2));
    drop('incoming.xml.part', good);

    await waitFor('good files in loaded/', () => files.every((f) => existsSync(join(inbox, 'loaded', f))));
    await waitFor('bad.xml in rejected/', () => existsSync(join(inbox, 'rejected', 'bad.xml')));
    assert.match(readFileSync(join(inbox, 'rejected', 'bad.xml.reason.txt'), 'utf8'), /xml-truncated/);
    assert.ok(existsSync(join(inbox, 'incoming.xml.part')), 'a .part file is left alone');

    const { dataSource } = first.database;
    const batches = await dataSource.query(
      `SELECT file_name, status, readings, inserted FROM import_batch ORDER BY file_name`,
    );
    assert.deepEqual(
      batches.map((b: { file_name: string; status: string; readings: number }) => [b.file_name, b.status, b.readings]),
      [['bad.xml', 'rejected', 0], ...files.map((f) => [f, 'loaded', 600])],
    );
    // Usage point 9 is in every file, a day apart with identical overlapping readings: 300 + 3 × 96 distinct ones.
    const distinct = 4 * 300 + (300 + 3 * 96);
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM interval_reading`);
    assert.equal(n, distinct);
    assert.equal(
      batches.reduce((s: number, b: { inserted: number }) => s + b.inserted, 0),
      distinct,
    );

    const failed = await first.queues.imports.getFailed();
    const rejected = failed.find((job) => job.data.path === join(inbox, 'bad.xml'));
    assert.ok(rejected, 'the bad file failed its job');
    assert.equal(rejected.attemptsMade, 1, 'a rejected file is not retried');
    assert.match(rejected.failedReason, /rejected: xml-truncated/);
    const completed = await first.queues.imports.getCompleted();
    const loaded = completed.find((job) => job.data.path === join(inbox, 'good-1.xml'));
    assert.ok(loaded);
    assert.equal((loaded.progress as { readings: number }).readings, 600);
    assert.equal(loaded.returnvalue.status, 'loaded');
  });

  it('never runs the same file twice at once: a second enqueue returns the waiting job', async () => {
    const [first] = systems;
    await first.queues.imports.pause();
    try {
      const path = join(mkdtempSync(join(tmpdir(), 'import-dedupe-')), 'same.xml');
      writeFileSync(path, feedXml({ usagePoints: [50], start: START, count: 10, value: () => 1 }));
      const a = await enqueueImport(first.queues.imports, { path, source: 'upload' });
      const b = await enqueueImport(first.queues.imports, { path, source: 'upload' });
      assert.equal(b.id, a.id);
    } finally {
      await first.queues.imports.resume();
    }
  });
});
