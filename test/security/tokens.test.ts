import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { Role } from '../../src/auth/roles';
import { mintToken } from '../../src/auth/tokens';
import { TEST_JWT_SECRET } from '../api/support/api-system';
import { cimPost, getRequest, readReply } from '../http/cim-support';
import { assertJsonError, get, REST, startSecuritySystem, type SecuritySystem } from './support';

const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);
const key = new TextEncoder().encode(TEST_JWT_SECRET);
const claims = { role: Role.ADMIN };
const hs256 = () => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory');

/** Tokens an attacker (or a careless issuer) may present; every one must be refused, alike, on every entry point. */
async function forgedTokens(): Promise<Record<string, string>> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const valid = await hs256()
    .setIssuedAt()
    .setExpirationTime(now() + HOUR)
    .sign(key);
  const [header, payload, signature] = valid.split('.');
  const promoted = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'someone-else' }),
  ).toString('base64url');
  return {
    'no exp': await hs256().setIssuedAt().sign(key),
    'valid for 100 years': await hs256()
      .setIssuedAt()
      .setExpirationTime(now() + 100 * 365 * 24 * HOUR)
      .sign(key),
    'issued in the future': await hs256()
      .setIssuedAt(now() + HOUR)
      .setExpirationTime(now() + 2 * HOUR)
      .sign(key),
    'not valid before an hour from now': await hs256()
      .setIssuedAt()
      .setNotBefore(now() + HOUR)
      .setExpirationTime(now() + 2 * HOUR)
      .sign(key),
    'lifetime over JWT_MAX_TTL': await hs256()
      .setIssuedAt()
      .setExpirationTime(now() + 25 * HOUR)
      .sign(key),
    'no iat, expiring beyond JWT_MAX_TTL': await hs256()
      .setExpirationTime(now() + 25 * HOUR)
      .sign(key),
    'alg none': new UnsecuredJWT(claims)
      .setSubject('mallory')
      .setIssuedAt()
      .setExpirationTime(now() + HOUR)
      .encode(),
    'RS256 where HS256 is configured': await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('mallory')
      .setIssuedAt()
      .setExpirationTime(now() + HOUR)
      .sign(privateKey),
    'wrong key': await hs256()
      .setIssuedAt()
      .setExpirationTime(now() + HOUR)
      .sign(new TextEncoder().encode('another-secret-that-is-long-enough-for-hs256')),
    expired: await hs256()
      .setIssuedAt(now() - 2 * HOUR)
      .setExpirationTime(now() - HOUR)
      .sign(key),
    'tampered payload': `${header}.${promoted}.${signature}`,
  };
}

describe('forged and over-long tokens are refused alike on every entry point', { timeout: 300_000 }, () => {
  let s: SecuritySystem;
  let tokens: Record<string, string>;
  let good: string;
  before(async () => {
    s = await startSecuritySystem();
    tokens = await forgedTokens();
    good = await s.api.token(Role.ADMIN);
  });
  after(() => s?.stop());

  const graphql = (token: string) =>
    fetch(`${s.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
  const login = (token: string) =>
    fetch(`${s.base}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, next: '/admin/queues' }),
    });
  const cimGet = (token: string) => cimPost(s.base, getRequest({ usagePoints: [s.mrids.Gas] }), token);

  it('a token within the rules is accepted everywhere (the control)', async () => {
    assert.equal((await graphql(good)).status, 200);
    assert.equal((await get(s.base, `${REST}/UsagePoint/${s.ids.Gas}`, good)).status, 200);
    assert.equal((await get(s.base, '/metrics', good)).status, 200);
    assert.equal((await cimGet(good)).status, 200);
    assert.equal((await login(good)).status, 303);
    assert.equal(
      (
        await get(s.base, '/admin/queues/api/queues', undefined, {
          cookie: `usage_portal_admin=${good}`,
          accept: 'application/json',
        })
      ).status,
      200,
    );
  });

  it('GraphQL: 401 UNAUTHENTICATED, no data', async () => {
    for (const [name, token] of Object.entries(tokens)) {
      const response = await graphql(token);
      const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
      assert.equal(response.status, 401, name);
      assert.deepEqual(
        body.errors.map((e) => e.extensions.code),
        ['UNAUTHENTICATED'],
        name,
      );
      assert.equal(body.data, undefined, name);
    }
  });

  it('ESPI REST and /metrics: 401 {error, code: UNAUTHENTICATED, requestId}', async () => {
    for (const [name, token] of Object.entries(tokens)) {
      await assertJsonError(await get(s.base, `${REST}/UsagePoint/${s.ids.Gas}`, token), 401, 'UNAUTHENTICATED').catch(
        (e: Error) => assert.fail(`${name}: ${e.message}`),
      );
      await assertJsonError(await get(s.base, '/metrics', token), 401, 'UNAUTHENTICATED').catch((e: Error) =>
        assert.fail(`${name}: ${e.message}`),
      );
    }
  });

  it('/cim: 401 with a FAILED 7.7 reply', async () => {
    for (const [name, token] of Object.entries(tokens)) {
      const response = await cimGet(token);
      assert.equal(response.status, 401, name);
      const reply = (await readReply(response.text)).summary.envelope.reply;
      assert.equal(reply?.result, 'FAILED', name);
      assert.deepEqual(
        reply?.errors?.map((e) => e.code),
        ['7.7'],
        name,
      );
      assert.doesNotMatch(response.text, /<MeterReading>/, name);
    }
  });

  it('admin sign-in: 401 and no session cookie; a cookie holding such a token opens nothing', async () => {
    for (const [name, token] of Object.entries(tokens)) {
      const response = await login(token);
      assert.equal(response.status, 401, name);
      assert.equal(response.headers.get('set-cookie'), null, name);
      const page = await get(s.base, '/admin/queues/api/queues', undefined, {
        cookie: `usage_portal_admin=${token}`,
        accept: 'application/json',
      });
      await assertJsonError(page, 401, 'UNAUTHENTICATED').catch((e: Error) => assert.fail(`${name}: ${e.message}`));
    }
  });

  it('a remembered token is not trusted past its exp, and the token command cannot mint beyond JWT_MAX_TTL', async () => {
    const short = await mintToken(s.api.config, { role: Role.OPS, ttlSeconds: 1 });
    assert.equal((await get(s.base, '/metrics', short)).status, 200);
    // Past exp and the 5 s clock skew: the verification remembered a moment ago must not outlive the token.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    await assertJsonError(await get(s.base, '/metrics', short), 401, 'UNAUTHENTICATED');
    await assert.rejects(mintToken(s.api.config, { role: Role.OPS, ttlSeconds: 25 * HOUR }), /JWT_MAX_TTL/);
  });
});
