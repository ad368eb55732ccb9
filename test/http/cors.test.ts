import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { startApiSystem, type ApiSystem } from '../api/support/api-system';
import { rawRequest, type RawAnswer } from '../support/raw-request';

// CORS as a browser exercises it: the preflight of a JSON POST with a bearer token, then the request itself.

const APP = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

const corsHeaders = (answer: RawAnswer) =>
  Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));

describe('CORS', { timeout: 120_000 }, () => {
  let open: ApiSystem;
  let closed: ApiSystem;
  let token: string;

  before(async () => {
    open = await startApiSystem({ CORS_ORIGINS: `${APP},http://localhost:5173` });
    closed = await startApiSystem();
    token = await open.token(Role.CSR);
  });
  after(async () => {
    await open?.stop();
    await closed?.stop();
  });

  const base = (api: ApiSystem) => api.system.http?.url as string;
  const preflight = (api: ApiSystem, origin: string, path = '/graphql') =>
    rawRequest(`${base(api)}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, x-request-id',
      },
    });
  const post = (api: ApiSystem, origin: string, bearer = token) =>
    rawRequest(`${base(api)}/graphql`, {
      headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });

  it('answers the preflight of an allowed origin with what its clients send', async () => {
    const answer = await preflight(open, APP);
    assert.equal(answer.status, 204);
    assert.equal(answer.headers['access-control-allow-origin'], APP);
    assert.equal(answer.headers.vary, 'origin');
    const methods = String(answer.headers['access-control-allow-methods']).split(', ');
    for (const method of ['GET', 'POST', 'PUT']) assert.ok(methods.includes(method), method);
    const headers = String(answer.headers['access-control-allow-headers']).split(', ');
    for (const header of ['authorization', 'content-type', 'x-request-id', 'apollo-require-preflight'])
      assert.ok(headers.includes(header), header);
    assert.ok(Number(answer.headers['access-control-max-age']) > 0);
    assert.equal(answer.headers['access-control-allow-credentials'], undefined, 'bearer tokens, no cookies');
    // Every route, not only GraphQL: ESPI REST and the inbox upload are called from browsers too.
    assert.equal(
      (await preflight(open, 'http://localhost:5173', '/espi/1_1/resource/Batch/Subscription/1')).headers[
        'access-control-allow-origin'
      ],
      'http://localhost:5173',
    );
  });

  it('names an allowed origin on its answers and exposes the request id and Retry-After', async () => {
    const answer = await post(open, APP);
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.text).data, { viewer: { role: 'CSR' } });
    assert.equal(answer.headers['access-control-allow-origin'], APP);
    assert.equal(answer.headers.vary, 'origin');
    assert.deepEqual(String(answer.headers['access-control-expose-headers']).split(', ').sort(), [
      'retry-after',
      'x-request-id',
    ]);
    // Refusals too, or the page could not read why.
    const refused = await post(open, APP, 'not-a-token');
    assert.equal(refused.status, 401);
    assert.equal(refused.headers['access-control-allow-origin'], APP);
  });

  it('sends no CORS header to any other origin, and none at all without CORS_ORIGINS', async () => {
    for (const origin of [OTHER, `${APP}:8443`, 'http://app.example.com', 'null']) {
      const pre = await preflight(open, origin);
      assert.notEqual(pre.status, 204, origin);
      assert.deepEqual(corsHeaders(pre), [], origin);
      const answer = await post(open, origin);
      assert.equal(answer.status, 200, 'the API itself answers; the browser withholds it from the page');
      assert.deepEqual(corsHeaders(answer), [], origin);
      assert.equal(answer.headers.vary, 'origin');
    }
    for (const origin of [APP, OTHER]) {
      const pre = await preflight(closed, origin);
      assert.notEqual(pre.status, 204);
      assert.deepEqual(corsHeaders(pre), []);
      const answer = await post(closed, origin, await closed.token(Role.CSR));
      assert.equal(answer.status, 200);
      assert.deepEqual(corsHeaders(answer), []);
      assert.equal(answer.headers.vary, undefined);
    }
  });
});
