import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { loadConfig } from '../../src/config';
import { Role } from '../../src/auth/roles';
import { AuthenticationError, createTokenVerifier, mintToken } from '../../src/auth/tokens';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const config = loadConfig({ JWT_SECRET: secret, DATA_DIR: mkdtempSync(join(tmpdir(), 'tokens-')) });
const verifier = createTokenVerifier(config);

async function rejection(token: string): Promise<string> {
  await assert.rejects(verifier.verify(token), (error) => error instanceof AuthenticationError);
  return verifier.verify(token).catch((error: Error) => error.message) as Promise<string>;
}

describe('access tokens', () => {
  it('round-trips a minted token into a principal', async () => {
    const token = await mintToken(config, { role: Role.CUSTOMER, customerId: 'Q3VzdG9tZXI6MQ', ttlSeconds: 60 });
    assert.deepEqual(await verifier.verify(token), {
      subject: 'local-customer',
      role: Role.CUSTOMER,
      customerId: 'Q3VzdG9tZXI6MQ',
    });
  });

  it('rejects expired, unsigned and wrongly signed tokens', async () => {
    const expired = await new SignJWT({ role: 'CSR' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(secret));
    assert.equal(await rejection(expired), 'token expired');

    const unsigned = new UnsecuredJWT({ role: 'ADMIN' }).setSubject('x').setExpirationTime('1h').encode();
    assert.match(await rejection(unsigned), /invalid token/);

    const forged = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-that-is-long-enough-for-hs256'));
    assert.match(await rejection(forged), /invalid token/);
  });

  it('rejects tokens without a known role, and CUSTOMER tokens without a customer', async () => {
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(secret));
    assert.match(await rejection(await sign({ role: 'ROOT' })), /role/);
    assert.match(await rejection(await sign({ role: 'CUSTOMER' })), /customer/);
  });
});

describe('verified tokens are remembered until they expire', () => {
  it('accepts a verified token again without its signature check, and refuses it once its exp has passed', async () => {
    let clock = Date.now();
    const remembering = createTokenVerifier(config, () => clock);
    const token = await mintToken(config, { role: Role.CSR, ttlSeconds: 60 });
    assert.deepEqual(await remembering.verify(token), { subject: 'local-csr', role: Role.CSR, customerId: undefined });
    clock += 30_000;
    assert.equal((await remembering.verify(token)).role, Role.CSR);
    // Past exp and the clock tolerance: the remembered verification must not outlive the token.
    clock += 36_000;
    await assert.rejects(
      remembering.verify(token),
      (error: Error) => error instanceof AuthenticationError && error.message === 'token expired',
    );
    await assert.rejects(
      remembering.verify(token),
      (error: Error) => error instanceof AuthenticationError && error.message === 'token expired',
    );
  });

  it('remembers only tokens that verified', async () => {
    const remembering = createTokenVerifier(config);
    const token = await mintToken(config, { role: Role.OPS, ttlSeconds: 3600 });
    assert.equal((await remembering.verify(token)).role, Role.OPS);
    const forged = `${token.slice(0, -2)}xx`;
    await assert.rejects(remembering.verify(forged), (error: Error) => error instanceof AuthenticationError);
    await assert.rejects(remembering.verify(forged), (error: Error) => error instanceof AuthenticationError);
  });
});
