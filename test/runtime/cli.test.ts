import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config';
import { createTokenVerifier } from '../../src/auth/tokens';
import { runCli } from '../support/cli-process';

describe('the usage-portal command line', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cli-'));

  it('token --json prints one JSON object whose token the server accepts', async () => {
    const result = await runCli(
      ['token', '--role', 'customer', '--customer', 'Q3VzdG9tZXI6NDI', '--ttl', '10m', '--json'],
      { DATA_DIR: dataDir },
    );
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const { token } = JSON.parse(lines[0]) as { token: string };
    const principal = await createTokenVerifier(loadConfig({ DATA_DIR: dataDir })).verify(token);
    assert.deepEqual(principal, { subject: 'local-customer', role: 'CUSTOMER', customerId: 'Q3VzdG9tZXI6NDI' });
  });

  it('wrong arguments exit with code 2 and say what is wrong', async () => {
    const badRole = await runCli(['token', '--role', 'ROOT', '--json'], { DATA_DIR: dataDir });
    assert.equal(badRole.code, 2);
    assert.deepEqual(JSON.parse(badRole.stdout), {
      error: { message: '--role must be one of CUSTOMER, CSR, ADMIN, OPS', code: 'USAGE' },
    });
    const noCustomer = await runCli(['token', '--role', 'CUSTOMER'], { DATA_DIR: dataDir });
    assert.equal(noCustomer.code, 2);
    assert.match(noCustomer.stderr, /--customer <GraphQL id> is required/);
    const badTtl = await runCli(['token', '--role', 'CSR', '--ttl', 'forever'], { DATA_DIR: dataDir });
    assert.equal(badTtl.code, 2);
    assert.match(badTtl.stderr, /invalid duration "forever"/);
    const tooLong = await runCli(['token', '--role', 'CSR', '--ttl', '2d', '--json'], {
      DATA_DIR: dataDir,
      JWT_MAX_TTL: '24h',
    });
    assert.equal(tooLong.code, 2);
    assert.match(JSON.parse(tooLong.stdout).error.message, /--ttl 2d is longer than JWT_MAX_TTL \(86400 s\)/);
    const withinLonger = await runCli(['token', '--role', 'CSR', '--ttl', '2d'], {
      DATA_DIR: dataDir,
      JWT_MAX_TTL: '7d',
    });
    assert.equal(withinLonger.code, 0, withinLonger.stderr);
    const unknown = await runCli(['frobnicate'], { DATA_DIR: dataDir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const unknownOption = await runCli(['token', '--colour'], { DATA_DIR: dataDir });
    assert.equal(unknownOption.code, 2);
    assert.match(unknownOption.stderr, /Unknown option '--colour'/);
  });
});
