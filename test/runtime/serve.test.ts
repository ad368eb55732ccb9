import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, startCli, type CliProcess } from '../support/cli-process';
import { processesMentioning } from '../support/processes';

// The whole system on its embedded defaults, as `npm start` runs it: embedded PostgreSQL, BullMQ on PostgreSQL.
describe('usage-portal serve on the embedded defaults', { timeout: 600_000 }, () => {
  let dataDir: string;
  let env: Record<string, string>;
  const started: CliProcess[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'usage-portal-serve-'));
    env = {
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    };
  });
  after(() => {
    for (const cli of started) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function startAndCheckReady(): Promise<{ cli: CliProcess; url: string }> {
    const cli = startCli(['serve', '--json'], env);
    started.push(cli);
    const result = await cli.firstJson();
    assert.equal(result.status, 'running');
    assert.equal(result.queueBackend, 'postgres');
    const url = String(result.url);
    const ready = await fetch(`${url}/readyz`);
    const body = await ready.text();
    assert.equal(ready.status, 200, body);
    assert.deepEqual(JSON.parse(body), { status: 'ready', checks: { database: 'ok', queue: 'ok', schedulers: 'ok' } });
    return { cli, url };
  }

  it('starts, answers /readyz, and stops on SIGINT leaving no postgres process behind', async () => {
    const { cli, url } = await startAndCheckReady();
    assert.match(cli.stderr(), /initialising embedded PostgreSQL/);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.ok(processesMentioning(join(dataDir, 'postgres')).length > 0, 'embedded PostgreSQL should be running');
    cli.child.kill('SIGINT');
    const { code } = await cli.exited();
    assert.equal(code, 0, cli.stderr());
    assert.deepEqual(processesMentioning(join(dataDir, 'postgres')), []);
    assert.equal(existsSync(join(dataDir, 'postgres.owner')), false);
  });

  it('reuses the data directory on a second start', async () => {
    const { cli } = await startAndCheckReady();
    assert.doesNotMatch(cli.stderr(), /initialising embedded PostgreSQL/);
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited()).code, 0, cli.stderr());
  });

  it('recovers by itself after the previous process was SIGKILLed', async () => {
    const first = await startAndCheckReady();
    first.cli.child.kill('SIGKILL');
    await first.cli.exited();
    const orphans = processesMentioning(join(dataDir, 'postgres'));
    assert.ok(orphans.length > 0, 'a SIGKILLed parent leaves its postgres running (the case being tested)');

    const second = await startAndCheckReady();
    assert.match(second.cli.stderr(), /left running by a process that was killed/);
    second.cli.child.kill('SIGINT');
    assert.equal((await second.cli.exited()).code, 0, second.cli.stderr());
    assert.deepEqual(processesMentioning(join(dataDir, 'postgres')), []);
  });
});
