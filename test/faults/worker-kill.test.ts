import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { generateEspiFeed } from '../../bench/espi-parse-generate';
import { loadConfig } from '../../src/config';
import { createQueueBackend } from '../../src/jobs/backend';
import { IMPORT_FILE } from '../../src/queue/job-data';
import { closeQueues, openQueues } from '../../src/jobs/queues';
import { waitFor } from '../support/wait-for';
import { startCli, type CliProcess } from '../support/cli-process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeOnEachQueueBackend } from '../support/queue-backends';

// A worker SIGKILLed in the middle of a load, and one started in its place: the job must run again within the time the
// lock and the stalled check promise (src/jobs/workers.ts), not the minute BullMQ's defaults take, and load once.
const READINGS = 150_000;
const PICKED_UP_WITHIN_MS = 25_000;
const source = join(mkdtempSync(join(tmpdir(), 'fault-kill-src-')), 'feed.xml');

before(() => generateEspiFeed(source, READINGS, 1_500));

describeOnEachQueueBackend('a worker killed during a load', { timeout: 300_000 }, (backend) => {
  const dir = mkdtempSync(join(tmpdir(), 'fault-kill-'));
  const inbox = join(dir, 'inbox');
  const workers: CliProcess[] = [];
  let db: TestDatabase | undefined;
  after(async () => {
    for (const cli of workers) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    await Promise.all(workers.map((cli) => cli.exited()));
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`has its job taken by another worker within ${PICKED_UP_WITHIN_MS / 1000} s, and the file loads once`, async (t) => {
    mkdirSync(inbox);
    db = await createTestDatabase(`faultkill_${backend.kind}`);
    const env = {
      DATABASE_URL: db.url,
      ...backend.settings('fault'),
      DATA_DIR: dir,
      INBOX_DIR: inbox,
      INBOX_SCAN_CRON: '*/1 * * * * *',
    };
    const start = async () => {
      const cli = startCli(['worker', '--json'], env);
      workers.push(cli);
      assert.equal((await cli.firstJson()).status, 'running', cli.stderr());
      return cli;
    };
    const doomed = await start();
    const queueBackend = createQueueBackend(loadConfig(env), db.url);
    const queues = openQueues(queueBackend);
    try {
      const part = join(inbox, 'feed.xml.part');
      copyFileSync(source, part);
      utimesSync(part, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      renameSync(part, join(inbox, 'feed.xml'));
      const job = await waitFor('the load to be under way', async () => {
        const [active] = (await queues.imports.getActive()).filter((j) => j.name === IMPORT_FILE);
        return ((active?.progress as { readings?: number } | undefined)?.readings ?? 0) > READINGS / 4 && active;
      });
      doomed.child.kill('SIGKILL');
      await doomed.exited();
      const killedAt = Date.now();
      await start();

      const rerunAt = await waitFor(
        'the job to run again on the live worker',
        async () => {
          const processedOn = (await queues.imports.getJob(job.id as string))?.processedOn ?? 0;
          return processedOn > killedAt ? processedOn : undefined;
        },
        PICKED_UP_WITHIN_MS,
      );
      t.diagnostic(`run again ${rerunAt - killedAt} ms after the kill`);
      const done = await waitFor('the job to finish', async () => {
        const current = await queues.imports.getJob(job.id as string);
        return current?.finishedOn ? current : undefined;
      });
      assert.equal(await done.getState(), 'completed', done.failedReason);
      assert.ok(existsSync(join(inbox, 'loaded', 'feed.xml')));
    } finally {
      await closeQueues(queues);
      await queueBackend.close();
    }
    const { Client } = await import('pg');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n, count(DISTINCT (usage_point_id, start))::int AS distinct FROM interval_reading`,
      );
      assert.deepEqual(rows[0], { n: READINGS, distinct: READINGS });
    } finally {
      await client.end();
    }
  });
});
