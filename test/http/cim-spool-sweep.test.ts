import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { IMPORT_FILE } from '../../src/queue/job-data';
import { cimSpoolDir, SPOOL_ORPHAN_AGE_MS, sweepOrphanedSpool } from '../../src/services/cim/spool';
import { describeOnEachQueueBackend } from '../support/queue-backends';
import { startTestSystem, type TestSystem } from '../support/system';

// A process killed between spooling a /cim body and queuing its load leaves the file with no owner.
describeOnEachQueueBackend('/cim spool files nobody owns', { timeout: 120_000 }, (backend) => {
  let t: TestSystem;
  let inbox: string;
  const env = () => ({
    ...backend.settings(),
    INBOX_DIR: inbox,
    INBOX_SCAN_CRON: '0 0 1 1 *',
  });
  before(async () => {
    inbox = mkdtempSync(join(tmpdir(), 'cim-spool-'));
    t = await startTestSystem('serve', env());
  });
  after(() => t?.stop());

  const spool = () => cimSpoolDir(inbox);
  function spoolFile(name: string, ageMs: number): string {
    mkdirSync(spool(), { recursive: true });
    const path = join(spool(), name);
    writeFileSync(path, '<EventMessage/>');
    const at = new Date(Date.now() - ageMs);
    utimesSync(path, at, at);
    return path;
  }
  const OLD = SPOOL_ORPHAN_AGE_MS + 60_000;

  it('are removed; a young file (a running request’s) and one a queued load names are kept', async () => {
    const orphan = spoolFile('orphan.xml', OLD);
    spoolFile('young.xml', 1000);
    const queued = spoolFile('queued.xml', OLD);
    // Delayed: the load is still waiting when the sweep looks.
    const waiting = await t.system.queues.imports.add(
      IMPORT_FILE,
      { path: queued, source: 'cim' },
      { delay: 3600_000 },
    );
    try {
      assert.deepEqual(await sweepOrphanedSpool(inbox, t.system.queues.imports), [orphan]);
      assert.deepEqual(readdirSync(spool()).sort(), ['queued.xml', 'young.xml']);
    } finally {
      await waiting.remove();
    }
  });

  it('are swept when an API process starts', async () => {
    const orphan = spoolFile('orphan-at-start.xml', OLD);
    const other = await startTestSystem('api', env());
    try {
      assert.ok(!readdirSync(spool()).includes('orphan-at-start.xml'), `${orphan} is gone`);
      assert.ok(readdirSync(spool()).includes('young.xml'));
    } finally {
      await other.stop();
    }
  });
});
