import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { decodeJwt } from 'jose';
import { ODS_CUSTOMER_PATH } from '../../src/ods/extract';
import { fromGlobalId, toGlobalId } from '../../src/services/access/global-id';
import { startApiSystem, type ApiSystem } from '../api/support/api-system';
import { load, workDir, writeSyntheticCustomerFeed, writeSyntheticUsageFeed } from '../export/support';
import { startDemoSystem, type DemoSystem } from '../support/demo-system';
import { rawRequest, type RawAnswer } from '../support/raw-request';
import { assertAnswered, sandbox } from './sandbox';

// The demo page signs a browser in without a password: POST /demo/session hands out CUSTOMER tokens. It must not
// exist unless the page is on, must answer only a JSON POST (no other site's form can drive it), and may only ever
// mint a short-lived token for a fictitious customer of the generated demo data.

const JSON_TYPE = { 'content-type': 'application/json' };
const code = (answer: RawAnswer) => (JSON.parse(answer.text) as { code?: string }).code;

describe('demo page off: /demo and /demo/session do not exist', { timeout: 120_000 }, () => {
  const box = sandbox();
  let api: ApiSystem;
  before(async () => {
    // An external database: the page is off by default.
    api = await startApiSystem(box.env);
    box.started();
  });
  after(() => api?.stop());

  it('GET /demo, its script and POST /demo/session are 404 NOT_FOUND', async () => {
    const base = api.system.http?.url as string;
    for (const [method, path] of [
      ['GET', '/demo'],
      ['GET', '/demo/demo.js'],
      ['POST', '/demo/session'],
    ]) {
      const answer = await rawRequest(`${base}${path}`, {
        method,
        headers: JSON_TYPE,
        body: method === 'POST' ? '{}' : undefined,
      });
      assertAnswered(answer, 404, box, `${method} ${path}`);
      assert.equal(code(answer), 'NOT_FOUND');
    }
  });
});

describe('demo page on: POST /demo/session', { timeout: 180_000 }, () => {
  const box = sandbox();
  let demo: DemoSystem;
  const session = (headers: Record<string, string> = JSON_TYPE, body = '{}') =>
    rawRequest(`${demo.base}/demo/session`, { headers, body });
  before(async () => {
    // Real-looking customers loaded before the demo's: Ada's solar home and gas meter would be the richest pick.
    demo = await startDemoSystem({ ...box.env, DEMO_PAGE: 'true' }, async (db) => {
      const dir = workDir();
      await writeSyntheticUsageFeed(join(dir, 'usage.xml'));
      await writeSyntheticCustomerFeed(join(dir, 'customers.xml'));
      await load(db, join(dir, 'usage.xml'));
      await load(db, join(dir, 'customers.xml'));
    });
    box.started();
  });
  after(() => demo?.stop());

  it('refuses an ODS the demo generator did not make (409 NO_DEMO_DATA): its customers could be real', async () => {
    const ods = new Client({ connectionString: demo.ods.url });
    await ods.connect();
    try {
      await ods.query('ALTER TABLE ods.demo_seed RENAME TO demo_seed_hidden');
      const answer = await session();
      assertAnswered(answer, 409, box, 'real ODS');
      assert.equal(code(answer), 'NO_DEMO_DATA');
      assert.doesNotMatch(answer.text, /token/);
    } finally {
      await ods.query('ALTER TABLE ods.demo_seed_hidden RENAME TO demo_seed');
      await ods.end();
    }
  });

  it('answers only a JSON body: a form or plain text, as another site could send, is 415', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const answer = await session({ 'content-type': type }, 'a=1');
      assertAnswered(answer, 415, box, type);
      assert.equal(code(answer), 'UNSUPPORTED_MEDIA_TYPE');
    }
    const get = await rawRequest(`${demo.base}/demo/session`, { method: 'GET' });
    assertAnswered(get, 404, box, 'GET /demo/session');
  });

  it('mints a CUSTOMER token of 15 minutes for a demo customer, which reads only that customer', async () => {
    const answer = await session();
    assertAnswered(answer, 200, box, 'sign-in');
    assert.equal(answer.headers['cache-control'], 'no-store');
    const { token, expiresAt } = JSON.parse(answer.text) as { token: string; expiresAt: string };
    const claims = decodeJwt(token);
    assert.equal(claims.role, 'CUSTOMER');
    assert.equal(claims.sub, 'demo-page');
    assert.ok((claims.exp as number) - (claims.iat as number) <= 15 * 60, 'short-lived');
    assert.ok(Math.abs(Date.parse(expiresAt) / 1000 - (claims.exp as number)) <= 1);
    const customerDbId = fromGlobalId(claims.customer as string)?.keys[0] as string;
    const db = demo.api.system.database.dataSource;
    const [mine] = (await db.query(`SELECT external_id FROM customer WHERE id = $1`, [customerDbId])) as {
      external_id: string;
    }[];
    assert.ok(
      mine.external_id.startsWith(ODS_CUSTOMER_PATH),
      `a customer the demo ODS extract loaded, not ${mine.external_id}`,
    );

    const viewer = await demo.api.query(
      '{ viewer { role customer { id } } customers(first: 100) { edges { node { id } } } }',
      {},
      token,
    );
    assert.deepEqual(viewer.data, {
      viewer: { role: 'CUSTOMER', customer: { id: claims.customer } },
      customers: { edges: [{ node: { id: claims.customer } }] },
    });
    const others = (await db.query(
      `SELECT u.id::text AS id FROM usage_point u JOIN customer_account a ON a.id = u.customer_account_id WHERE a.customer_id <> $1`,
      [customerDbId],
    )) as { id: string }[];
    assert.ok(others.length > 0);
    for (const { id } of others) {
      const read = await demo.api.query(
        'query ($id: ID!) { usagePoint(id: $id) { id } }',
        { id: toGlobalId('UsagePoint', id) },
        token,
      );
      assert.deepEqual(read.data, { usagePoint: null }, `another customer's usage point ${id}`);
    }
  });
});
