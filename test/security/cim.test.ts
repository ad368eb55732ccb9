import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { MAX_CIM_BODY, MAX_UNPRIVILEGED_BODY } from '../../src/http/cim';
import { countJobs } from '../../src/queue/queues';
import { cimFixtures } from '../cim/support';
import { getRequest } from '../http/cim-support';
import { rawRequest, repeated, type RawAnswer } from '../support/raw-request';
import { startTestSystem, type TestSystem } from '../support/system';
import { assertAnswered, cutOffMidBody, listener, sandbox, TIME_BOUND_MS, type Listener } from './sandbox';

const CREATED = readFileSync(join(cimFixtures, 'created-meter-readings.xml'), 'utf8');
const MSG = 'http://iec.ch/TC57/2011/schema/message';

/** The created event padded with a comment to exactly `size` bytes: a readable Header, then a lot of body. */
function padded(size: number, xml = CREATED): Buffer {
  const head = Buffer.from(xml.replace('</msg:EventMessage>', '<!--'));
  const tail = Buffer.from('--></msg:EventMessage>');
  return Buffer.concat([head, Buffer.alloc(size - head.length - tail.length, 'x'), tail]);
}

/** The created event asking for an asynchronous reply (`address` undefined: the flag without a ReplyAddress). */
function asyncPush(address: string | undefined, messageId: string): string {
  const replyAddress = address === undefined ? '' : `<msg:ReplyAddress>${address}</msg:ReplyAddress>`;
  return CREATED.replace(
    '<msg:AsyncReplyFlag>false</msg:AsyncReplyFlag>',
    `<msg:AsyncReplyFlag>true</msg:AsyncReplyFlag>${replyAddress}`,
  ).replace(/<msg:MessageID>[^<]*/, `<msg:MessageID>${messageId}`);
}

/** The first Error code of a reply (a FAILED reply's, or a FaultMessage's). */
const replyCode = (answer: RawAnswer) => /<(?:\w+:)?code>([^<]*)</.exec(answer.text)?.[1];

describe('/cim under attack', { timeout: 240_000 }, () => {
  const box = sandbox();
  let t: TestSystem;
  let allowed: Listener;
  let elsewhere: Listener;
  const tokens: Record<string, string> = {};
  // Loads and replies queued: the inbox scan's scheduled run is there from the start.
  const jobsNow = async () => ({
    imports: await countJobs(t.system.queues.imports),
    replies: await countJobs(t.system.queues['cim-replies']),
  });
  let jobsAtStart: Awaited<ReturnType<typeof jobsNow>>;
  before(async () => {
    allowed = await listener();
    elsewhere = await listener();
    t = await startTestSystem('serve', { ...box.env, CIM_REPLY_URLS: `${allowed.url}/replies` });
    box.started();
    jobsAtStart = await jobsNow();
    for (const role of [Role.ADMIN, Role.OPS, Role.CSR]) tokens[role] = await t.token(role);
    tokens[Role.CUSTOMER] = await t.token(Role.CUSTOMER, 'Q3VzdG9tZXI6MQ');
  });
  after(async () => {
    await t?.stop();
    await allowed?.close();
    await elsewhere?.close();
  });

  const post = (body: string | Buffer | Iterable<Buffer>, token?: string, headers: Record<string, string> = {}) =>
    rawRequest(`${t.url}/cim`, {
      body,
      headers: {
        'content-type': 'application/xml',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
    });

  it('refused callers with 1 MiB bodies leave nothing in .cim, 30 in a row', async () => {
    const body = padded(MAX_UNPRIVILEGED_BODY);
    for (const [what, token, status] of [
      ['no token', undefined, 401],
      ['a bad token', 'not-a-token', 401],
      ['a CUSTOMER', tokens.CUSTOMER, 403],
      ['a CSR pushing', tokens.CSR, 403],
    ] as const) {
      for (let i = 0; i < 30; i++) {
        const answer = await post(body, token);
        assertAnswered(answer, status, box, `${what}, #${i}`);
        assert.equal(replyCode(answer), '7.7', what);
      }
    }
  });

  it('a push role’s refused or unreadable 1 MiB bodies are removed too (400, FAILED 2.9, FAILED 1.8)', async () => {
    const cases: [string, Buffer, number, string][] = [
      ['malformed', padded(MAX_UNPRIVILEGED_BODY, CREATED.replace('</msg:Noun>', '</msg:Verb>')), 400, '1.8'],
      [
        'a verb not handled',
        padded(MAX_UNPRIVILEGED_BODY, CREATED.replace('<msg:Verb>created</msg:Verb>', '<msg:Verb>deleted</msg:Verb>')),
        200,
        '2.9',
      ],
      [
        'a ReplyAddress elsewhere',
        padded(MAX_UNPRIVILEGED_BODY, asyncPush(`${elsewhere.url}/x`, 'spool-1.8')),
        200,
        '1.8',
      ],
    ];
    for (const [what, body, status, code] of cases) {
      for (let i = 0; i < 5; i++) {
        const answer = await post(body, tokens.OPS);
        assertAnswered(answer, status, box, `${what}, #${i}`);
        assert.equal(replyCode(answer), code, what);
      }
    }
  });

  it('an accepted push, its resend and a body cut off mid-way leave nothing either', async () => {
    const first = await post(CREATED, tokens.OPS);
    assertAnswered(first, 200, box, 'the load removed its body once decided');
    assert.match(first.text, /<(\w+:)?Result>OK</);
    assertAnswered(await post(CREATED, tokens.OPS), 200, box, 'a resend');

    await cutOffMidBody(
      `${t.url}/cim`,
      'POST',
      { 'content-type': 'application/xml', authorization: `Bearer ${tokens.OPS}` },
      padded(256 * 1024),
      box,
    );
    // Its one load is what the tests below compare with.
    jobsAtStart = await jobsNow();
  });

  it('XXE, parameter entities, billion laughs and any DOCTYPE: 400 before anything is resolved', async () => {
    const header = (noun: string) => `<Header><Verb>get</Verb><Noun>${noun}</Noun></Header>`;
    const laughs = [
      '<!ENTITY l0 "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`),
    ];
    // A DTD is a policy violation (7.7), anything unreadable a format error (1.8).
    const hostile: Record<string, [string, string]> = {
      'external entity to /etc/passwd': [
        `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><RequestMessage xmlns="${MSG}">${header('&x;')}</RequestMessage>`,
        '7.7',
      ],
      'parameter entity from another host': [
        `<!DOCTYPE r [<!ENTITY % p SYSTEM "${elsewhere.url}/evil.dtd"> %p;]><RequestMessage xmlns="${MSG}">${header('MeterReadings')}</RequestMessage>`,
        '7.7',
      ],
      'billion laughs': [
        `<!DOCTYPE r [${laughs.join('')}]><RequestMessage xmlns="${MSG}">${header('&l9;')}</RequestMessage>`,
        '7.7',
      ],
      'a plain DOCTYPE': [
        `<!DOCTYPE RequestMessage><RequestMessage xmlns="${MSG}">${header('MeterReadings')}</RequestMessage>`,
        '7.7',
      ],
      malformed: [`<RequestMessage xmlns="${MSG}"><Header></RequestMessage>`, '1.8'],
      truncated: [CREATED.slice(0, CREATED.indexOf('<msg:MessageID>')), '1.8'],
      'not XML': ['meter 42: 0.25 kWh', '1.8'],
      empty: ['', '1.8'],
    };
    for (const token of [tokens.OPS, tokens.CSR]) {
      for (const [what, [body, code]] of Object.entries(hostile)) {
        const answer = await post(body, token);
        assertAnswered(answer, 400, box, what);
        assert.equal(replyCode(answer), code, what);
        assert.doesNotMatch(answer.text, /root:|lollol/, what);
      }
    }
    for (const [what, [body]] of Object.entries(hostile))
      assertAnswered(await post(body), 401, box, `${what}, without a token`);
    assert.deepEqual(elsewhere.requests, [], 'no entity was fetched');
    assert.deepEqual(await jobsNow(), jobsAtStart, 'nothing was queued');
  });

  it('oversize: 413 (3.1) for a push role past MAX_CIM_BODY, declared or streamed, and for a get-only role past 1 MiB', async () => {
    const declared = await post(padded(64 * 1024), tokens.OPS, { 'content-length': String(MAX_CIM_BODY + 1) });
    assertAnswered(declared, 413, box, 'declared');
    assert.equal(replyCode(declared), '3.1');
    const mib = Buffer.alloc(1024 * 1024, ' ');
    const streamed = await rawRequest(`${t.url}/cim`, {
      body: [Buffer.from(CREATED.replace('</msg:EventMessage>', '')), ...repeated(mib, MAX_CIM_BODY / mib.length + 1)],
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${tokens.OPS}` },
    });
    assert.equal(streamed.status, 413);
    assert.equal(replyCode(streamed), '3.1');
    assert.deepEqual(box.leftovers(), [], 'the spooled part is gone');
    const csr = await post(padded(MAX_UNPRIVILEGED_BODY + 1), tokens.CSR);
    assertAnswered(csr, 413, box, 'a CSR past 1 MiB');
    const anonymous = await post(padded(MAX_UNPRIVILEGED_BODY + 1));
    assertAnswered(anonymous, 401, box, 'no token past 1 MiB');
  });

  it('SSRF: a ReplyAddress outside CIM_REPLY_URLS, or none, is FAILED 1.8 and nothing is ever sent to it', async () => {
    const port = (url: string) => new URL(url).port;
    const addresses = [
      `${elsewhere.url}/replies`,
      `http://localhost:${port(allowed.url)}/replies`,
      `http://127.0.0.2:${port(allowed.url)}/replies`,
      `http://0x7f.0.0.1:${port(elsewhere.url)}/replies`,
      `http://[::ffff:127.0.0.1]:${port(elsewhere.url)}/replies`,
      `https://127.0.0.1:${port(allowed.url)}/replies`,
      `${allowed.url}/replies/../admin`,
      `${allowed.url}/replies/%2e%2e/admin`,
      `${allowed.url}/replies/..%2fadmin`,
      `${allowed.url}/replies/%2E%2E%2Fadmin`,
      `${allowed.url}/replies/%252e%252e/admin`,
      `${allowed.url}/replies\\..\\admin`,
      `${allowed.url}/replies-evil`,
      `http://127.0.0.1:${port(allowed.url)}@127.0.0.1:${port(elsewhere.url)}/replies`,
      `http://user:secret@127.0.0.1:${port(allowed.url)}/replies`,
      `file:///etc/passwd`,
      `gopher://127.0.0.1:${port(elsewhere.url)}/replies`,
      'replies',
      '',
      undefined,
    ];
    for (const address of addresses) {
      const push = await post(asyncPush(address, `ssrf-${Math.random()}`), tokens.OPS);
      const get = await post(
        await getRequest({ usagePoints: ['up-1'] }).then((xml) =>
          xml.replace(
            '</Header>',
            `<AsyncReplyFlag>true</AsyncReplyFlag>${address === undefined ? '' : `<ReplyAddress>${address}</ReplyAddress>`}</Header>`,
          ),
        ),
        tokens.CSR,
      );
      for (const [what, answer] of [
        ['push', push],
        ['get', get],
      ] as const) {
        assert.equal(answer.status, 200, `${what} ${address}`);
        assert.ok(answer.ms < TIME_BOUND_MS);
        assert.match(answer.text, /<(\w+:)?Result>FAILED</, `${what} ${address}: ${answer.text}`);
        assert.equal(replyCode(answer), '1.8', `${what} ${address}`);
      }
    }
    assert.deepEqual(await jobsNow(), jobsAtStart, 'no load or reply was queued');
    assert.deepEqual([...allowed.requests, ...elsewhere.requests], [], 'no request was made');
    assert.deepEqual(box.leftovers(), []);
  });

  it('a form content type gets nothing in: the body is read as a message, the caller still needs a token', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
      const answer = await post(`xml=${encodeURIComponent(CREATED)}`, undefined, {
        'content-type': type,
        cookie: 'usage_portal_admin=x',
      });
      assertAnswered(answer, 401, box, type);
    }
  });
});
