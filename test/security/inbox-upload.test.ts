import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { countJobs } from '../../src/queue/queues';
import { rawRequest, repeated, type RawAnswer } from '../support/raw-request';
import { startTestSystem, type TestSystem } from '../support/system';
import { assertAnswered, cutOffMidBody, sandbox } from './sandbox';

const LIMIT = 64 * 1024;
const BODY = Buffer.from('<feed xmlns="http://www.w3.org/2005/Atom"/>\n');

const codeOf = (answer: RawAnswer) => (JSON.parse(answer.text) as { code?: string }).code;

describe('PUT /admin/inbox/:name under attack', { timeout: 120_000 }, () => {
  const box = sandbox();
  let t: TestSystem;
  let admin: Record<string, string>;
  let jobsAtStart: Record<string, number>;
  before(async () => {
    t = await startTestSystem('serve', { ...box.env, UPLOAD_MAX_BYTES: String(LIMIT) });
    box.started();
    admin = { authorization: `Bearer ${await t.token(Role.ADMIN)}` };
    jobsAtStart = await countJobs(t.system.queues.imports);
  });
  after(() => t?.stop());

  const put = (name: string, body: Buffer | Iterable<Buffer>, headers: Record<string, string> = {}) =>
    rawRequest(`${t.url}/admin/inbox/${name}`, {
      method: 'PUT',
      body,
      headers: { 'content-type': 'application/octet-stream', ...headers },
    });

  it('no token, a bad token and every role but ADMIN are refused, with a code, before the body is taken', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      ['no token', {}, 401, 'UNAUTHENTICATED'],
      ['a bad token', { authorization: 'Bearer not-a-token' }, 401, 'UNAUTHENTICATED'],
      ['OPS', { authorization: `Bearer ${await t.token(Role.OPS)}` }, 403, 'FORBIDDEN'],
      ['CSR', { authorization: `Bearer ${await t.token(Role.CSR)}` }, 403, 'FORBIDDEN'],
      ['CUSTOMER', { authorization: `Bearer ${await t.token(Role.CUSTOMER, 'Q3VzdG9tZXI6MQ')}` }, 403, 'FORBIDDEN'],
    ];
    for (const [what, headers, status, code] of cases) {
      for (const query of ['', '?import=false']) {
        const answer = await put(`usage.xml${query}`, BODY, headers);
        assertAnswered(answer, status, box, `${what}${query}`);
        assert.equal(codeOf(answer), code, what);
      }
    }
  });

  it('names that would leave the inbox, hide from its scan or take its folders: 400 INVALID_NAME, nothing written anywhere', async () => {
    const names = [
      '...',
      '..%2Fescaped.xml',
      '%2e%2e%2Fescaped.xml',
      '..%5Cescaped.xml',
      'sub%5Cusage.xml',
      'sub%2Fusage.xml',
      '%2Ftmp%2Fescaped.xml',
      '%2Fetc%2Fpasswd',
      'C:%5Cescaped.xml',
      'a%00b.xml',
      'usage.xml%00.txt',
      '.hidden.xml',
      '.cim',
      '.upload-x.part',
      'a.part',
      'a.TMP',
      'loaded',
      'rejected',
      'held',
      'x'.repeat(201),
      'x'.repeat(4000),
      '%E2%80%AEusage.xml',
      'usage%20.xml',
    ];
    for (const name of names) {
      for (const query of ['', '?import=false']) {
        const answer = await put(`${name}${query}`, BODY, admin);
        assertAnswered(answer, 400, box, `${name}${query}`);
        assert.equal(codeOf(answer), 'INVALID_NAME', name);
      }
    }
    // The router resolves a ".." segment, encoded or not, itself: these never reach the upload (the app's 404).
    for (const name of ['..', '%2e%2e', '%2E%2E', '.%2e', '%2e'])
      assertAnswered(await put(name, BODY, admin), 404, box, name);
  });

  it('over UPLOAD_MAX_BYTES: 413 UPLOAD_TOO_LARGE, declared or streamed, and no partial file', async () => {
    const chunk = Buffer.alloc(8 * 1024, 'x');
    for (const query of ['', '?import=false']) {
      const declared = await put(`big.xml${query}`, Buffer.alloc(LIMIT + 1, 'x'), admin);
      assertAnswered(declared, 413, box, `declared${query}`);
      assert.equal(codeOf(declared), 'UPLOAD_TOO_LARGE');
      const streamed = await put(`big.xml${query}`, repeated(chunk, LIMIT / chunk.length + 4), admin);
      assertAnswered(streamed, 413, box, `streamed${query}`);
      assert.equal(codeOf(streamed), 'UPLOAD_TOO_LARGE');
      const empty = await put(`empty.xml${query}`, Buffer.alloc(0), admin);
      assertAnswered(empty, 400, box, `empty${query}`);
      assert.equal(codeOf(empty), 'EMPTY_UPLOAD');
    }
  });

  it('an upload cut off mid-way leaves no partial file', async () => {
    for (const query of ['', '?import=false']) {
      await cutOffMidBody(
        `${t.url}/admin/inbox/cut.xml${query}`,
        'PUT',
        { 'content-type': 'application/octet-stream', ...admin },
        Buffer.alloc(16 * 1024, 'x'),
        box,
      );
    }
  });

  it('a name already taken: 409 NAME_TAKEN, the first file untouched and no partial file', async () => {
    assert.equal((await put('kept.xml?import=false', BODY, admin)).status, 201);
    box.started();
    const again = await put('kept.xml?import=false', Buffer.from('<other/>'), admin);
    assertAnswered(again, 409, box, 'taken');
    assert.equal(codeOf(again), 'NAME_TAKEN');
    assert.deepEqual(readFileSync(join(box.inbox, 'held', 'kept.xml')), BODY);
    assert.deepEqual(readdirSync(join(box.inbox, 'held')), ['kept.xml']);
    assert.deepEqual(await countJobs(t.system.queues.imports), jobsAtStart, 'no refused upload queued a load');
  });
});
