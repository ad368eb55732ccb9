import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCli, type CliProcess } from '../support/cli-process';
import { waitFor } from '../support/wait-for';
import { dataSnapshot, FaultScene } from './support';

// Issue 15: one run shared by two worker processes, one of them SIGKILLed at a step of the run. The survivor
// completes the run, and the portal holds exactly, row for row, what an uninterrupted run loads from the same ODS.
// The worker to die starts first, so that it is the one to reach the step; the other joins as soon as the first has
// planned the run or taken a shard.
const POINTS = [
  'extract:after-plan',
  'extract:after-file-written',
  'extract:after-delivery',
  'import:mid-copy',
  'extract:after-load',
  'extract:before-shard-loaded',
];
const SETTINGS = { EXTRACT_SHARDS: '3', EXTRACT_CRON: '*/2 * * * * *' };

describe('a run shared by two workers, one SIGKILLed', { timeout: 900_000 }, () => {
  const scenes: FaultScene[] = [];
  const workers: CliProcess[] = [];
  let reference: Record<string, string[]>;
  before(async () => {
    const scene = await FaultScene.open('flow_reference');
    scenes.push(scene);
    await scene.extract();
    await scene.assertPortalEqualsOds();
    reference = await dataSnapshot(scene.portalClient);
  });
  after(async () => {
    for (const worker of workers) {
      worker.child.kill('SIGTERM');
      await worker.exited();
    }
    for (const scene of scenes) await scene.close();
  });

  for (const point of POINTS) {
    it(`killed at ${point}: the other worker completes the run, and the portal equals an uninterrupted run's`, async () => {
      const scene = await FaultScene.open(`flow_${point.replace(/\W/g, '_')}`);
      scenes.push(scene);
      const dying = startCli(['worker', '--json'], scene.env({ ...SETTINGS, USAGE_PORTAL_KILL_AT: point }));
      workers.push(dying);
      let died = false;
      void dying.exited().then(() => (died = true));
      await waitFor(
        'the first worker to plan the run or take a shard',
        async () => {
          if (died) return true;
          const { rows } = await scene.portalClient
            .query(`SELECT 1 FROM extract_shard WHERE attempts > 0 LIMIT 1`)
            .catch(() => ({ rows: [] }));
          return rows.length > 0;
        },
        120_000,
      );
      const survivor = startCli(['worker', '--json'], scene.env(SETTINGS));
      workers.push(survivor);
      assert.equal((await dying.exited()).signal, 'SIGKILL', dying.stderr().slice(-2000));

      const seqTo = await scene.odsClient.query<{ max: string }>(
        `SELECT max(change_seq)::text AS max FROM ods.interval_read`,
      );
      await waitFor('the run to be loaded', async () => (await scene.watermark()) === seqTo.rows[0].max, 180_000).catch(
        (error: Error) => {
          throw new Error(`${error.message}; survivor stderr:\n${survivor.stderr().slice(-3000)}`);
        },
      );
      const { rows: runs } = await scene.portalClient.query(`SELECT status, shards FROM extract_run`);
      assert.deepEqual(runs, [{ status: 'loaded', shards: 3 }]);
      const data = await dataSnapshot(scene.portalClient);
      for (const table of Object.keys(reference))
        assert.deepEqual(data[table], reference[table], `${table} equals an uninterrupted run's, row for row`);
      await scene.assertPortalEqualsOds();
      await waitFor('nothing left behind', () => scene.assertNothingLeftBehind().then(() => true), 30_000).catch(() =>
        scene.assertNothingLeftBehind(),
      );
      // Each worker holds its connection pools: the next case must not find the server's connections used up.
      survivor.child.kill('SIGTERM');
      await survivor.exited();
    });
  }
});
