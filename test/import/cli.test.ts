import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli-process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { samplePath } from '../espi/support';
import { cimFixtures } from '../cim/support';

const SAMPLE = samplePath('15MinLP_15Days.xml') as string;

describe('usage-portal import', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    db = await createTestDatabase('importcli');
    env = { DATABASE_URL: db.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'import-cli-')) };
  });
  after(async () => db?.drop());

  it('loads a CIM MeterReadings message as it loads ESPI', async () => {
    const run = await runCli(['import', join(cimFixtures, 'created-meter-readings.xml'), '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const [file] = JSON.parse(run.stdout).files;
    assert.deepEqual(
      [file.status, file.usagePoints, file.meterReadings, file.readings, file.inserted, file.rejected],
      ['loaded', 1, 1, 3, 3, 1],
    );
  });

  it('loads a file and prints the contract JSON; the second run is a no-op', async () => {
    const first = await runCli(['import', SAMPLE, '--json'], env);
    assert.equal(first.code, 0, first.stderr);
    const lines = first.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'exactly one JSON object on stdout');
    const { files } = JSON.parse(lines[0]);
    assert.equal(files.length, 1);
    assert.deepEqual(
      Object.keys(files[0]).filter((k) => !['batchId', 'rejected', 'timings'].includes(k)),
      [
        'file',
        'status',
        'usagePoints',
        'meterReadings',
        'readings',
        'inserted',
        'updated',
        'unchanged',
        'warnings',
        'errors',
      ],
    );
    assert.deepEqual(
      [files[0].status, files[0].usagePoints, files[0].readings, files[0].inserted],
      ['loaded', 1, 1440, 1440],
    );

    const again = JSON.parse((await runCli(['import', SAMPLE, '--json'], env)).stdout);
    assert.deepEqual([again.files[0].status, again.files[0].inserted], ['loaded', 0]);
    assert.match(again.files[0].warnings.join('\n'), /already loaded in batch/);

    const forced = JSON.parse((await runCli(['import', SAMPLE, '--force', '--dry-run', '--json'], env)).stdout);
    assert.deepEqual([forced.files[0].status, forced.files[0].unchanged], ['dry-run', 1440]);
  });

  it('exits 1 when a file is rejected and 2 when a file does not exist', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'import-cli-bad-')), 'bad.xml');
    writeFileSync(bad, '<feed xmlns="http://www.w3.org/2005/Atom"><entry>');
    const rejected = await runCli(['import', bad, '--json'], env);
    assert.equal(rejected.code, 1);
    const { files } = JSON.parse(rejected.stdout);
    assert.equal(files[0].status, 'rejected');
    assert.ok(files[0].errors.length > 0);

    const missing = await runCli(['import', '/nonexistent/file.xml', '--json'], env);
    assert.equal(missing.code, 2);
    assert.deepEqual(JSON.parse(missing.stdout), {
      error: { message: 'no such file: /nonexistent/file.xml', code: 'USAGE' },
    });
  });
});
