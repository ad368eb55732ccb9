import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startCli, type CliProcess } from '../support/cli-process';
import { waitFor } from '../support/wait-for';
import { FaultScene, onlyJson } from './support';

interface FileResult {
  status: string;
  batchId: string;
  warnings: string[];
  errors: string[];
}

// Issue 14, R1: a killed extract's delivered file, loaded after a later run loaded corrected values, wrote the old
// values back as corrections. The file is kept aside here (as a worker holding it, or an operator re-uploading it
// would) so that the later load happens whatever the next run reclaims.
describe('a file of an older extract run never reverts newer data', { timeout: 300_000 }, () => {
  const scenes: FaultScene[] = [];
  let worker: CliProcess | undefined;
  after(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited();
    for (const scene of scenes) await scene.close();
  });

  /** A run killed just after delivering its first usage file; that file, copied aside. */
  async function killedRunLeftover(scene: FaultScene): Promise<string> {
    await scene.extract('extract:after-delivery');
    const [delivered] = readdirSync(scene.inboxDir).filter((f) => f.endsWith('.xml'));
    assert.ok(delivered, 'the killed run delivered a file');
    const aside = join(scene.dir, 'leftover.xml');
    copyFileSync(join(scene.inboxDir, delivered), aside);
    return aside;
  }

  async function importOnce(scene: FaultScene, file: string, ...flags: string[]): Promise<FileResult> {
    const output = onlyJson(await scene.cli(['import', file, '--json', ...flags]));
    return (output.files as FileResult[])[0];
  }

  it('after a later run completed: refused as superseded; --force loads it and the batch says so', async () => {
    const scene = await FaultScene.open('r1_done');
    scenes.push(scene);
    const leftover = await killedRunLeftover(scene);
    await scene.correct(96);
    await scene.extract();
    await scene.assertPortalEqualsOds();

    const refused = await importOnce(scene, leftover);
    assert.equal(refused.status, 'rejected');
    assert.match(
      refused.errors[0],
      /^superseded: the file comes from extract run ods-\S+ \(change_seq up to \d+\) and .*loading it would revert newer data/,
    );
    await scene.assertPortalEqualsOds();
    const { rows: rejected } = await scene.portalClient.query(
      `SELECT status, errors->>0 AS reason FROM import_batch WHERE id = $1`,
      [refused.batchId],
    );
    assert.equal(rejected[0].status, 'rejected');
    assert.match(rejected[0].reason, /^superseded: /);
    await scene.assertNothingLeftBehind();
    const further = onlyJson(await scene.extract());
    assert.deepEqual(further.files, [], 'nothing changed in the ODS since');

    // Only an operator's --force writes the older values, and the batch is marked.
    const forced = await importOnce(scene, leftover, '--force');
    assert.equal(forced.status, 'loaded');
    assert.ok(
      forced.warnings.some((w) => /^forced-over-newer: superseded: /.test(w)),
      forced.warnings.join('\n'),
    );
    const { rows: batch } = await scene.portalClient.query(`SELECT forced, updated FROM import_batch WHERE id = $1`, [
      forced.batchId,
    ]);
    assert.deepEqual(batch, [{ forced: true, updated: 96 }]);
    assert.notDeepEqual(await scene.portalTotals(), await scene.odsTotals());
    // A re-extract of everything puts the ODS's values back.
    await scene.cli(['extract', '--json', '--since', '2000-01-01T00:00:00Z']);
    await scene.assertPortalEqualsOds();
  });

  it('dropped in the inbox: the scan refuses it, and it moves to rejected/ with its reason', async () => {
    const scene = await FaultScene.open('r1_scan');
    scenes.push(scene);
    const leftover = await killedRunLeftover(scene);
    await scene.correct(96);
    await scene.extract();
    const dropped = join(scene.inboxDir, 'leftover.xml');
    copyFileSync(leftover, dropped);
    // The scan skips files modified in the last seconds (a writer may still be at them).
    utimesSync(dropped, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    worker = startCli(['worker', '--json'], scene.env({ INBOX_SCAN_CRON: '*/1 * * * * *' }));
    await worker.firstJson();
    const reason = join(scene.inboxDir, 'rejected', 'leftover.xml.reason.txt');
    await waitFor('the scan to reject the file', () => existsSync(reason), 60_000);
    assert.match(readFileSync(reason, 'utf8'), /^superseded: /);
    await scene.assertPortalEqualsOds();
    await scene.assertNothingLeftBehind();
  });

  it('a customer feed of a killed run, loaded while the run is taken up again: the run and the next leave the customers as the ODS has them', async () => {
    const scene = await FaultScene.open('r1_customer');
    scenes.push(scene);
    // Killed after delivering its usage file and its first customer feed.
    await scene.extract('extract:after-delivery:2');
    const [customerFeed] = readdirSync(scene.inboxDir).filter((f) => f.endsWith('-customer.xml'));
    assert.ok(customerFeed);
    const aside = join(scene.dir, 'leftover-customer.xml');
    copyFileSync(join(scene.inboxDir, customerFeed), aside);
    // Renamed after the run was planned: a later change_seq than the run's range, so the next run carries it.
    await scene.odsClient.query(`UPDATE ods.customer SET name = name || ' (renamed)'`);
    // The next extract takes the run up again and dies after its usage file is in.
    await scene.extract('extract:after-load');

    // The killed attempt's feed is the run's own (the run lives on): it loads, and holds what the run planned.
    const loaded = await importOnce(scene, aside);
    assert.equal(loaded.status, 'loaded', loaded.errors.join('\n'));
    await scene.extract();
    const { rows: portalNames } = await scene.portalClient.query('SELECT name FROM customer ORDER BY name');
    const { rows: odsNames } = await scene.odsClient.query('SELECT name FROM ods.customer ORDER BY name');
    assert.deepEqual(portalNames, odsNames, 'the customers carry the names the ODS gives them now');
    const { rows: runs } = await scene.portalClient.query(`SELECT status, round FROM extract_run ORDER BY started_at`);
    assert.deepEqual(
      runs,
      [
        { status: 'loaded', round: 1 },
        { status: 'loaded', round: 1 },
      ],
      'the killed run was finished (its parent job lived on), then the rename came in a run of its own',
    );
    await scene.assertPortalEqualsOds();
    await scene.assertNothingLeftBehind();
  });

  it('while a later run is half loaded: refused, as its usage points hold newer data', async () => {
    const scene = await FaultScene.open('r1_half');
    scenes.push(scene);
    const leftover = await killedRunLeftover(scene);
    await scene.correct(96);
    // The next extract finishes the killed run (its shard again: the corrected reads, changed since its plan, are left
    // to the next run, so its usage file is not the leftover's bytes; then its four customer feeds), then plans the
    // corrections' run, which loads its usage file and dies before its watermark moves.
    await scene.extract('extract:after-load:6');
    const { rows: runs } = await scene.portalClient.query(`SELECT status FROM extract_run ORDER BY started_at`);
    assert.deepEqual(
      runs.map((r: { status: string }) => r.status),
      ['loaded', 'running'],
    );

    const refused = await importOnce(scene, leftover);
    assert.equal(refused.status, 'rejected');
    assert.match(refused.errors[0], /^superseded: .* its usage points hold data up to change_seq \d+/);
    await scene.extract();
    await scene.assertPortalEqualsOds();
    await scene.assertNothingLeftBehind();
  });
});
