import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDataSource } from '../../src/db/data-source';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort, runCli } from '../support/cli-process';

// Each misconfiguration must end the process with exit code 1 and exactly one explanatory line on stderr.
function assertOneLineFailure(result: { code: number | null; stderr: string }, pattern: RegExp) {
  assert.equal(result.code, 1, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${result.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('startup failures are one clear line', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let dataDir: string;
  before(async () => {
    db = await createTestDatabase('startup');
    dataDir = mkdtempSync(join(tmpdir(), 'usage-portal-errors-'));
  });
  after(async () => {
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const base = () => ({ DATA_DIR: dataDir, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1' });

  it('an invalid DATABASE_URL', async () => {
    assertOneLineFailure(
      await runCli(['serve'], { ...base(), DATABASE_URL: 'mysql://nope' }),
      /^usage-portal: DATABASE_URL: expected a postgres/,
    );
  });

  it('an unreachable DATABASE_URL', async () => {
    const port = await freePort();
    const result = await runCli(['serve'], { ...base(), DATABASE_URL: `postgres://u:p@127.0.0.1:${port}/x` });
    assertOneLineFailure(
      result,
      new RegExp(`^usage-portal: DATABASE_URL: cannot connect to 127.0.0.1:${port}/x: connection refused`),
    );
  });

  it('an unreachable Redis', async () => {
    const port = await freePort();
    const result = await runCli(['serve'], { ...base(), REDIS_URL: `redis://127.0.0.1:${port}` });
    assertOneLineFailure(result, new RegExp(`^usage-portal: REDIS_URL: cannot connect to 127.0.0.1:${port}`));
  });

  it('a port in use', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      assertOneLineFailure(
        await runCli(['serve'], { ...base(), PORT: String(port) }),
        new RegExp(`^usage-portal: PORT: 127.0.0.1:${port} is already in use`),
      );
    } finally {
      blocker.close();
    }
  });

  it('a database with pending migrations when migrating at start is off', async () => {
    const fresh = await createTestDatabase('pending');
    try {
      const result = await runCli(['api'], { ...base(), DATABASE_URL: fresh.url, MIGRATE_ON_START: 'false' });
      assertOneLineFailure(result, /pending migrations: run `usage-portal migrate`/);
    } finally {
      await fresh.drop();
    }
  });

  it('a database migrated by a newer version', async () => {
    const migrated = await runCli(['migrate', '--json'], base());
    assert.equal(migrated.code, 0, migrated.stderr);
    const dataSource = createDataSource(db.url);
    await dataSource.initialize();
    try {
      await dataSource.query(
        `INSERT INTO typeorm_migrations (timestamp, name) VALUES (9999999999999, 'FromTheFuture9999999999999')`,
      );
    } finally {
      await dataSource.destroy();
    }
    assertOneLineFailure(
      await runCli(['serve'], base()),
      /newer version of usage-portal \(unknown migrations: FromTheFuture9999999999999\)/,
    );
  });
});
