import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FaultScene, onlyJson } from './support';

// `extract` SIGKILLed at each named step of the extract and of its loads; the ODS then corrects reads, and the next
// extract must leave the portal equal to the ODS with nothing of the dead run left behind.
const POINTS = [
  'extract:after-plan',
  'extract:after-file-written',
  'extract:after-delivery',
  'import:after-parse',
  'import:mid-copy',
  'import:before-commit',
  'extract:after-load',
  'extract:before-shard-loaded',
  'extract:before-watermark',
];

describe('extract SIGKILLed at a fault point, then run again', { timeout: 600_000 }, () => {
  const scenes: FaultScene[] = [];
  after(async () => {
    for (const scene of scenes) await scene.close();
  });

  for (const point of POINTS) {
    it(`killed at ${point}: the next extract finishes the run, then loads the corrections, and the portal equals the ODS`, async () => {
      const scene = await FaultScene.open(point.replace(/\W/g, '_'));
      scenes.push(scene);
      await scene.extract(point);
      assert.equal(await scene.watermark(), '0', 'a killed run never advances the watermark');
      await scene.correct();
      const result = onlyJson(await scene.extract());
      assert.notEqual((result.watermark as { to: string }).to, '0');
      await scene.assertPortalEqualsOds();
      await scene.assertNothingLeftBehind();
      // A further run finds nothing new and changes nothing.
      const again = onlyJson(await scene.extract());
      assert.deepEqual(again.files, []);
      await scene.assertPortalEqualsOds();
    });
  }

  it('a run whose shard fails every attempt prints one --json object with the reason, and the next extract finishes it', async () => {
    const scene = await FaultScene.open('half_failed');
    scenes.push(scene);
    // A file where loaded/ should be: the first load commits, then moving its file there fails.
    mkdirSync(scene.inboxDir, { recursive: true });
    writeFileSync(join(scene.inboxDir, 'loaded'), '');
    const run = await scene.cli(['extract', '--json'], { EXTRACT_SHARD_ATTEMPTS: '1' });
    assert.equal(run.code, 1, run.stderr);
    const output = onlyJson(run) as {
      error: { code: string; message: string };
      files: { status: string }[];
      watermark: { from: string | null; to: string | null };
    };
    assert.equal(output.error.code, 'EXTRACT_FAILED');
    assert.match(output.error.message, /^extract run ods-\S+ failed: shard 0: .*loaded/);
    assert.deepEqual(output.files, []);
    assert.equal(await scene.watermark(), '0');
    const { rows: runs } = await scene.portalClient.query(`SELECT status, reason FROM extract_run`);
    assert.equal(runs[0].status, 'failed');

    rmSync(join(scene.inboxDir, 'loaded'));
    await scene.correct();
    await scene.extract();
    await scene.assertPortalEqualsOds();
    await scene.assertNothingLeftBehind();
  });

  it('an unexpected error (the ODS unreachable) still prints one --json object, with its code', async () => {
    const scene = await FaultScene.open('unreachable');
    scenes.push(scene);
    const run = await scene.cli(['extract', '--json'], { ODS_DATABASE_URL: 'postgres://127.0.0.1:1/ods' });
    assert.equal(run.code, 1);
    const { error } = onlyJson(run) as { error: { message: string; code: string } };
    assert.equal(error.code, 'ECONNREFUSED');
    assert.match(error.message, /ECONNREFUSED/);
    assert.match(run.stderr, /unexpected error: .*ECONNREFUSED/);
    assert.equal(await scene.watermark(), '0');
  });
});
