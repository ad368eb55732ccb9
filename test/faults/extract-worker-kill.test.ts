import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { startCli, type CliProcess } from '../support/cli-process';
import { waitFor } from '../support/wait-for';
import { FaultScene } from './support';

// A worker SIGKILLed inside its scheduled extract (after a delivery, or in the middle of a load's COPY); the ODS
// corrects reads; a new worker's scheduled extracts and inbox scans then bring the portal to the ODS, with nothing
// of the dead run left behind, whichever of the scan or the run's retried shard reaches the dead run's file first.
describe('worker SIGKILLed in its extract job', { timeout: 600_000 }, () => {
  const scenes: FaultScene[] = [];
  const workers: CliProcess[] = [];
  after(async () => {
    for (const worker of workers) {
      worker.child.kill('SIGTERM');
      await worker.exited();
    }
    for (const scene of scenes) await scene.close();
  });

  const schedules = { EXTRACT_CRON: '*/2 * * * * *', INBOX_SCAN_CRON: '*/1 * * * * *' };

  for (const point of ['extract:after-delivery', 'import:mid-copy']) {
    it(`killed at ${point}: a new worker ends with the portal equal to the ODS`, async () => {
      const scene = await FaultScene.open(`worker_${point.replace(/\W/g, '_')}`);
      scenes.push(scene);
      const dying = startCli(['worker', '--json'], scene.env({ ...schedules, USAGE_PORTAL_KILL_AT: point }));
      workers.push(dying);
      assert.equal((await dying.exited()).signal, 'SIGKILL', dying.stderr().slice(-2000));
      await scene.correct();

      const worker = startCli(['worker', '--json'], scene.env(schedules));
      workers.push(worker);
      await worker.firstJson();
      const odsTotals = await scene.odsTotals();
      await waitFor(
        'the portal to equal the ODS with nothing left behind',
        async () => {
          if (!isDeepStrictEqual(await scene.portalTotals(), odsTotals)) return false;
          return scene.assertNothingLeftBehind().then(
            () => true,
            () => false,
          );
        },
        240_000,
      ).catch(async (error: Error) => {
        const state = await Promise.all(
          [scene.assertPortalEqualsOds(), scene.assertNothingLeftBehind()].map((p) =>
            p.then(
              () => 'ok',
              (e: Error) => e.message,
            ),
          ),
        );
        throw new Error(`${error.message}: ${state.join('; ')}; worker stderr:\n${worker.stderr().slice(-3000)}`);
      });
      await scene.assertPortalEqualsOds();
      await scene.assertNothingLeftBehind();
      const { rows } = await scene.portalClient.query(
        `SELECT status, count(*)::int AS n FROM extract_run GROUP BY 1 ORDER BY 1`,
      );
      assert.deepEqual(
        rows,
        [{ status: 'loaded', n: 2 }],
        'the killed run was finished, and the corrections came in a run of their own',
      );
    });
  }
});
