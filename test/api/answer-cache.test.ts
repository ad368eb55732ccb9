import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isObjectType } from 'graphql';
import { Role } from '../../src/auth/roles';
import { VERSIONED_FIELDS } from '../../src/http/answer-cache';
import { buildPortalSchema } from '../../src/schema/build-schema';
import { toGlobalId } from '../../src/services/access/global-id';
import { importFile } from '../../src/services/import/import-file';
import { formatScaled } from '../../src/services/usage/decimal';
import { writeFeed, type FeedSpec } from '../import/feed';
import { logger } from '../import/support';
import { startApiSystem, type ApiSystem } from './support/api-system';
import { seedCustomer } from './support/seed';

// Two usage points, three local days of New York quarter-hours (2024-03-09 to 03-11, spring forward in the middle).
const MARCH_9 = Date.UTC(2024, 2, 9, 5) / 1000;
const original: FeedSpec = { usagePoints: [1, 2], start: MARCH_9, count: 96 + 92 + 96, value: (u, n) => 100 * u + (n % 7) };
const corrected: FeedSpec = { ...original, value: (u, n) => (u === 1 && n % 10 === 0 ? 5000 : original.value(u, n)) };
const dir = mkdtempSync(join(tmpdir(), 'answer-cache-'));
const USAGE = `query Usage($id: ID!) { usagePoint(id: $id) { id usage(from: "2024-03-09T05:00:00Z", to: "2024-03-12T04:00:00Z", resolution: DAY) {
  unit total cost buckets { start end value readings expected estimated } } } }`;

interface Answer {
  status: number;
  text: string;
  headers: Headers;
  body: { data?: { usagePoint: { usage: { total: string; buckets: { value: string }[] } } | null }; errors?: unknown; extensions?: { cost: { requested: number; remaining: number } } };
}

describe('answer cache: cached GraphQL answers, current and per caller', { timeout: 180_000 }, () => {
  let api: ApiSystem;
  const ids: string[] = [];
  const tokens: string[] = [];
  const accounts: string[] = [];

  before(async () => {
    api = await startApiSystem();
    const db = api.system.database.dataSource;
    const result = await importFile(db, { path: writeFeed(join(dir, 'original.xml'), original), source: 'cli', logger });
    assert.equal(result.status, 'loaded', result.errors.join('\n'));
    for (const [i, { id }] of ((await db.query(`SELECT id::text AS id FROM usage_point ORDER BY external_id`)) as { id: string }[]).entries()) {
      const { customerId, accountId } = await seedCustomer(db, `Customer ${i + 1}`);
      await db.query(`UPDATE usage_point SET customer_account_id = $1 WHERE id = $2`, [accountId, id]);
      ids.push(id);
      accounts.push(accountId);
      tokens.push(await api.token(Role.CUSTOMER, toGlobalId('Customer', customerId), `customer-${i + 1}`));
    }
  });
  after(() => api?.stop());

  async function ask(usagePoint: string, token: string, query = USAGE, init: { contentType?: string; body?: string; accept?: string } = {}): Promise<Answer> {
    const response = await fetch(`${api.system.http?.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': init.contentType ?? 'application/json', authorization: `Bearer ${token}`, ...(init.accept ? { accept: init.accept } : {}) },
      body: init.body ?? JSON.stringify({ query, operationName: query === USAGE ? 'Usage' : undefined, variables: { id: toGlobalId('UsagePoint', usagePoint) } }),
    });
    const text = await response.text();
    return { status: response.status, text, headers: response.headers, body: JSON.parse(text) as Answer['body'] };
  }

  async function lookups(): Promise<{ hit: number; miss: number }> {
    const metric = await api.system.metrics.registry.getSingleMetric('usage_portal_answer_cache_lookups_total')?.get();
    const value = (result: string) => metric?.values.find((v) => v.labels.result === result)?.value ?? 0;
    return { hit: value('hit'), miss: value('miss') };
  }

  async function sqlTotal(usagePoint: string): Promise<string> {
    const [{ total }] = (await api.system.database.dataSource.query(
      `SELECT sum(value)::text AS total FROM interval_reading WHERE usage_point_id = $1 AND start >= '2024-03-09T05:00:00Z' AND start < '2024-03-12T04:00:00Z'`,
      [usagePoint],
    )) as { total: string }[];
    return formatScaled(BigInt(total), -3);
  }

  const withoutBudget = (text: string) => text.replace(/"remaining":\d+/, '"remaining":_');

  it('serves a repeated query from the cache: the bytes Apollo sent, the budget charged again', async () => {
    const before = await lookups();
    const first = await ask(ids[0], tokens[0]);
    assert.equal(first.status, 200);
    assert.equal(first.body.errors, undefined);
    assert.equal(first.body.data?.usagePoint?.usage.total, await sqlTotal(ids[0]));
    const second = await ask(ids[0], tokens[0]);
    assert.deepEqual(await lookups(), { hit: before.hit + 1, miss: before.miss + 1 });
    assert.equal(withoutBudget(second.text), withoutBudget(first.text));
    const cost = first.body.extensions?.cost;
    assert.ok(cost && cost.requested > 0);
    // Charged again: the budget refills (500 points a second, up to 50 000) but a charge leaves it below full.
    assert.equal(second.body.extensions?.cost.requested, cost.requested);
    assert.ok((second.body.extensions?.cost.remaining ?? Infinity) <= 50_000 - cost.requested);
    for (const header of ['content-type', 'cache-control']) assert.equal(second.headers.get(header), first.headers.get(header), header);
    assert.match(second.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('answers a re-import that changed values at once', async () => {
    const cached = await ask(ids[0], tokens[0]);
    const result = await importFile(api.system.database.dataSource, { path: writeFeed(join(dir, 'corrected.xml'), corrected), source: 'cli', logger });
    assert.equal(result.status, 'loaded', result.errors.join('\n'));
    assert.ok(result.updated > 0, 'the corrected file changes readings');
    const before = await lookups();
    const fresh = await ask(ids[0], tokens[0]);
    assert.equal(fresh.body.data?.usagePoint?.usage.total, await sqlTotal(ids[0]));
    assert.notEqual(fresh.body.data?.usagePoint?.usage.total, cached.body.data?.usagePoint?.usage.total);
    // Found, but for the old data version: not served.
    assert.equal((await lookups()).hit, before.hit);
  });

  it('gives nothing to another customer, nor to the one whose point has moved to another account', async () => {
    const own = await ask(ids[0], tokens[0]);
    assert.ok(own.body.data?.usagePoint);
    assert.deepEqual((await ask(ids[0], tokens[1])).body.data, { usagePoint: null });
    // A customer feed moves points between accounts without a new data version: the scope check sees it.
    const db = api.system.database.dataSource;
    await db.query(`UPDATE usage_point SET customer_account_id = $1 WHERE id = $2`, [accounts[1], ids[0]]);
    try {
      assert.deepEqual((await ask(ids[0], tokens[0])).body.data, { usagePoint: null });
      assert.equal((await ask(ids[0], tokens[1])).body.data?.usagePoint?.usage.total, own.body.data?.usagePoint?.usage.total);
    } finally {
      await db.query(`UPDATE usage_point SET customer_account_id = $1 WHERE id = $2`, [accounts[0], ids[0]]);
    }
  });

  it('keeps no answer that selects fields the data version does not cover, nor failed ones', async () => {
    const entries = async () => (await api.system.metrics.registry.getSingleMetric('usage_portal_answer_cache_bytes')?.get())?.values.find((v) => v.labels.kind === 'used')?.value;
    const used = await entries();
    const named = USAGE.replace('{ id usage', '{ id name account { id } usage');
    for (let i = 0; i < 2; i += 1) assert.equal((await ask(ids[1], tokens[1], named)).body.errors, undefined);
    const invalid = USAGE.replace('unit total', 'unit total nonsense');
    for (let i = 0; i < 2; i += 1) assert.equal((await ask(ids[1], tokens[1], invalid)).status, 400);
    assert.equal(await entries(), used);
  });

  it('answers malformed bodies and other content types as before', async () => {
    const broken = await fetch(`${api.system.http?.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}` }, body: '{"query": ' });
    assert.equal(broken.status, 400);
    const [error] = ((await broken.json()) as { errors: { message: string; extensions: { code: string; requestId: string } }[] }).errors;
    assert.match(error.message, /JSON/);
    assert.equal(error.extensions.code, 'BAD_REQUEST');
    assert.ok(error.extensions.requestId);
    const withCharset = await ask(ids[1], tokens[1], USAGE, { contentType: 'application/json; charset=utf-8' });
    assert.equal(withCharset.body.data?.usagePoint?.usage.total, await sqlTotal(ids[1]));
  });

  it("answers Apollo Client's requests (its accept header and extensions) with the content type Apollo chose", async () => {
    for (const [i, accept] of ['application/graphql-response+json,application/json;q=0.9', 'application/json', '*/*'].entries()) {
      // Another document each time (a comment is enough): the first request is Apollo's, the second the lane's.
      const query = `${USAGE} # ${i}`;
      const body = JSON.stringify({ query, operationName: 'Usage', variables: { id: toGlobalId('UsagePoint', ids[1]) }, extensions: { clientLibrary: { name: '@apollo/client', version: '4.0.0' } } });
      const before = await lookups();
      const first = await ask(ids[1], tokens[1], query, { accept, body });
      const second = await ask(ids[1], tokens[1], query, { accept, body });
      assert.deepEqual(await lookups(), { hit: before.hit + 1, miss: before.miss + 1 }, accept);
      assert.equal(second.headers.get('content-type'), first.headers.get('content-type'), accept);
      assert.equal(second.headers.get('content-type'), i === 0 ? 'application/graphql-response+json; charset=utf-8' : 'application/json; charset=utf-8');
      assert.equal(withoutBudget(second.text), withoutBudget(first.text), accept);
    }
  });

  it('names only fields the schema has', async () => {
    const schema = await buildPortalSchema();
    for (const coordinate of VERSIONED_FIELDS) {
      const [typeName, field] = coordinate.split('.');
      const type = schema.getType(typeName);
      assert.ok(isObjectType(type) && type.getFields()[field], `${coordinate} is not a field of the schema`);
    }
  });
});
