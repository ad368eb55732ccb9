import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { cimPost, getRequest, readReply } from '../http/cim-support';
import { assertJsonError, downloadUrl, get, REST, startSecuritySystem, type SecuritySystem } from './support';

// A small budget that refills slowly, so that a drained one stays drained for the length of the test.
const BUDGET = { BUDGET_POINTS: '3000', BUDGET_REFILL_PER_SECOND: '1' };

const usageOf = (id: string, alias: string) =>
  `${alias}: usagePoint(id: "${id}") { usage(from: "2024-03-01T05:00:00Z", to: "2025-03-01T05:00:00Z", resolution: DAY) { total } }`;

describe('one budget per principal, charged by every entry point', { timeout: 300_000 }, () => {
  let s: SecuritySystem;
  before(async () => {
    s = await startSecuritySystem(BUDGET);
  });
  after(() => s?.stop());

  const graphql = (token: string, query: string) => s.api.query(query, {}, token);
  /** A year of DAY buckets: about 380 points. */
  const yearOfDays = () => `{ ${usageOf(s.ids.Gas, 'a')} }`;

  /** Spends the principal's budget through GraphQL until even the cheapest query is refused. */
  async function drainThroughGraphQL(token: string): Promise<void> {
    const queries = [
      `{ ${[1, 2, 3, 4, 5].map((i) => usageOf(s.ids.Gas, `u${i}`)).join(' ')} }`,
      yearOfDays(),
      '{ viewer { role } }',
    ];
    for (const query of queries) {
      for (let attempt = 0; ; attempt++) {
        assert.ok(attempt < 1000, 'the budget never ran out');
        const r = await graphql(token, query);
        if (r.status === 429) {
          assert.equal(r.errors?.[0].extensions?.code, 'RATE_LIMITED');
          assert.match(r.retryAfter ?? '', /^[1-9]\d*$/);
          break;
        }
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      }
    }
  }

  async function assertRateLimited(response: Response): Promise<void> {
    await assertJsonError(response, 429, 'RATE_LIMITED');
    assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
  }

  it('drained through GraphQL: ESPI REST, downloads, /cim and /metrics answer 429 with Retry-After and RATE_LIMITED', async () => {
    const token = await s.api.token(Role.ADMIN, undefined, 'drained-by-graphql');
    const url = await downloadUrl(s.api, token, { usagePointIds: [s.ids.Gas], format: 'CSV' });
    await drainThroughGraphQL(token);

    await assertRateLimited(await get(s.base, `${REST}/UsagePoint/${s.ids.Gas}`, token));
    await assertRateLimited(await get(s.base, `${REST}/Batch/RetailCustomer/${s.ids.ada}/UsagePoint`, token));
    await assertRateLimited(await get(s.base, url));
    await assertRateLimited(await get(s.base, '/metrics', token));
    const cim = await cimPost(s.base, getRequest({ usagePoints: [s.mrids.Gas] }), token);
    assert.equal(cim.status, 429);
    const reply = (await readReply(cim.text)).summary.envelope.reply;
    assert.equal(reply?.result, 'FAILED');
    assert.match(reply?.errors?.[0].details ?? '', /^RATE_LIMITED/);

    // The budget is the principal's: another one is served as before.
    const other = await s.api.token(Role.ADMIN, undefined, 'untouched');
    assert.equal((await get(s.base, `${REST}/UsagePoint/${s.ids.Gas}`, other)).status, 200);
  });

  it('drained through ESPI REST: GraphQL answers 429 RATE_LIMITED', async () => {
    const token = await s.api.token(Role.CSR, undefined, 'drained-by-rest');
    // Full-history batches, each priced by the days it streams, until one is refused.
    for (let attempt = 0; ; attempt++) {
      assert.ok(attempt < 1000, 'the budget never ran out');
      const response = await get(s.base, `${REST}/Batch/RetailCustomer/${s.ids.ada}/UsagePoint`, token);
      await response.arrayBuffer();
      if (response.status === 429) break;
      assert.equal(response.status, 200);
    }
    const r = await graphql(token, yearOfDays());
    assert.equal(r.status, 429);
    assert.equal(r.errors?.[0].extensions?.code, 'RATE_LIMITED');
  });

  it('drained through downloads: GraphQL answers 429 RATE_LIMITED', async () => {
    const token = await s.api.token(Role.CUSTOMER, s.ids.ada, 'ada-downloading');
    const url = await downloadUrl(s.api, token, { customerId: s.ids.ada, format: 'ESPI_XML' });
    for (let attempt = 0; ; attempt++) {
      assert.ok(attempt < 1000, 'the budget never ran out');
      const response = await get(s.base, url);
      await response.arrayBuffer();
      if (response.status === 429) break;
      assert.equal(response.status, 200);
    }
    assert.equal((await graphql(token, yearOfDays())).status, 429);
  });
});
