import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { samplePath } from '../espi/support';
import { runCli } from '../support/cli-process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { toGlobalId } from '../../src/services/access/global-id';

const SAMPLE = samplePath('15MinLP_15Days.xml') as string;

describe('usage-portal export', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let dir: string;
  before(async () => {
    db = await createTestDatabase('exportcli');
    dir = mkdtempSync(join(tmpdir(), 'export-cli-'));
    env = { DATABASE_URL: db.url, DATA_DIR: dir };
    assert.equal((await runCli(['import', SAMPLE, '--json'], env)).code, 0);
  });
  after(async () => db?.drop());

  it('writes the file atomically and prints one JSON object; wrong arguments exit 2', async () => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ id: string }>('SELECT id::text FROM usage_point');
    await client.end();
    const id = toGlobalId('UsagePoint', rows[0].id);
    const out = join(dir, 'export.csv');
    const run = await runCli(
      [
        'export',
        '--usage-point',
        id,
        '--from',
        '2011-01-01T00:00:00Z',
        '--to',
        '2012-01-01T00:00:00Z',
        '--format',
        'csv',
        '--out',
        out,
        '--json',
      ],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const result = JSON.parse(lines[0]);
    assert.deepEqual([result.file, result.format, result.usagePoints, result.readings], [out, 'csv', 1, 1440]);
    assert.equal(
      readFileSync(out, 'utf8')
        .split('\r\n')
        .filter((l) => /^\d{4}-\d\d-\d\d,/.test(l)).length,
      1440,
    );

    assert.equal(
      (
        await runCli(
          ['export', '--usage-point', id, '--from', 'yesterday', '--to', '2012-01-01T00:00:00Z', '--json'],
          env,
        )
      ).code,
      2,
    );
    assert.equal(
      (
        await runCli(
          [
            'export',
            '--usage-point',
            'nope',
            '--from',
            '2011-01-01T00:00:00Z',
            '--to',
            '2012-01-01T00:00:00Z',
            '--out',
            out,
            '--json',
          ],
          env,
        )
      ).code,
      2,
    );
  });
});
