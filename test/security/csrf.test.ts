import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { SESSION_COOKIE } from '../../src/http/admin-auth';
import { countJobs } from '../../src/queue/queues';
import { rawRequest, type RawAnswer } from '../support/raw-request';
import { startTestSystem, type TestSystem } from '../support/system';
import { assertAnswered, sandbox } from './sandbox';

// What a page on another site can make a browser send without a preflight: a GET, or a POST whose body is a form or
// plain text, with the browser's cookies but never an Authorization header. None of it may act.

const MUTATION = 'mutation { usageImportStart(input: { path: "usage.xml" }) { jobId } }';
const SIMPLE_TYPES = ['text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded'];

const errorCode = (answer: RawAnswer) =>
  (JSON.parse(answer.text) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;

describe('CSRF: simple cross-site requests do nothing', { timeout: 120_000 }, () => {
  const box = sandbox();
  let t: TestSystem;
  let bearer: Record<string, string>;
  let jobsAtStart: Record<string, number>;
  before(async () => {
    t = await startTestSystem('api', box.env);
    box.started();
    bearer = { authorization: `Bearer ${await t.token(Role.ADMIN)}` };
    jobsAtStart = await countJobs(t.system.queues.imports);
  });
  after(() => t?.stop());

  const nothingQueued = async () =>
    assert.deepEqual(await countJobs(t.system.queues.imports), jobsAtStart, 'no job was queued');

  it('POST /graphql with a form or plain-text content type is refused (400 BAD_REQUEST), signed in or not', async () => {
    for (const type of SIMPLE_TYPES) {
      for (const auth of [{}, bearer]) {
        for (const body of [JSON.stringify({ query: MUTATION }), `query=${encodeURIComponent(MUTATION)}`]) {
          const answer = await rawRequest(`${t.url}/graphql`, { body, headers: { 'content-type': type, ...auth } });
          assertAnswered(answer, 400, box, type);
          assert.equal(errorCode(answer), 'BAD_REQUEST', type);
          assert.match(answer.text, /Cross-Site Request Forgery/, type);
        }
      }
    }
    await nothingQueued();
  });

  it('a mutation in a GET is refused: 400 as a simple request, 405 even with the preflight header', async () => {
    const url = `${t.url}/graphql?query=${encodeURIComponent(MUTATION)}`;
    const simple = await rawRequest(url, { method: 'GET', headers: bearer });
    assertAnswered(simple, 400, box, 'GET');
    assert.equal(errorCode(simple), 'BAD_REQUEST');
    const preflighted = await rawRequest(url, {
      method: 'GET',
      headers: { ...bearer, 'apollo-require-preflight': 'true' },
    });
    assertAnswered(preflighted, 405, box, 'GET with apollo-require-preflight');
    assert.equal(errorCode(preflighted), 'BAD_REQUEST');
    assert.match(preflighted.text, /only support query operations/);
    await nothingQueued();
  });

  it('no CORS grant: a preflight from another origin is not allowed to send a token or a PUT', async () => {
    for (const [path, method] of [
      ['/graphql', 'POST'],
      ['/admin/inbox/usage.xml', 'PUT'],
      ['/cim', 'POST'],
    ]) {
      const answer = await rawRequest(`${t.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      assert.equal(answer.headers['access-control-allow-origin'], undefined, path);
      assert.equal(answer.headers['access-control-allow-credentials'], undefined, path);
    }
  });

  it('the admin session cookie is HttpOnly, SameSite=Strict and scoped to /admin; it signs nothing else in', async () => {
    const login = await rawRequest(`${t.url}/admin/login`, {
      body: `token=${encodeURIComponent(bearer.authorization.slice('Bearer '.length))}&next=%2Fadmin%2Fqueues`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(login.status, 303);
    const setCookie = ([] as string[])
      .concat(login.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    assert.ok(setCookie, 'the session cookie is set');
    assert.match(setCookie, /; HttpOnly/i);
    assert.match(setCookie, /; SameSite=Strict/i);
    assert.match(setCookie, /; Path=\/admin(;|$)/i);
    const cookie = setCookie.split(';')[0];

    const viaCookie = await rawRequest(`${t.url}/graphql`, {
      body: JSON.stringify({ query: MUTATION }),
      headers: { 'content-type': 'application/json', cookie },
    });
    assert.equal(errorCode(viaCookie), 'UNAUTHENTICATED', viaCookie.text);
    const cim = await rawRequest(`${t.url}/cim`, {
      body: 'x=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    });
    assertAnswered(cim, 401, box, '/cim with the cookie');
    await nothingQueued();
  });
});
