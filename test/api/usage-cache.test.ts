import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Role, type Principal } from '../../src/auth/roles';
import { toGlobalId } from '../../src/services/access/global-id';
import { importFile } from '../../src/services/import/import-file';
import { RequestServices } from '../../src/services/request-services';
import { formatScaled } from '../../src/services/usage/decimal';
import { UsageCache } from '../../src/services/usage/usage-cache';
import type { UsageQuery } from '../../src/services/usage/usage-query';
import { writeFeed, type FeedSpec } from '../import/feed';
import { logger } from '../import/support';
import { openApiDatabase, type ApiDatabase } from './support/database';
import { seedCustomer } from './support/seed';

// Two usage points, three local days of New York quarter-hours (2024-03-09 to 03-11, spring forward in the middle).
const MARCH_9 = Date.UTC(2024, 2, 9, 5) / 1000;
const READINGS = 96 + 92 + 96;
const original: FeedSpec = { usagePoints: [1, 2], start: MARCH_9, count: READINGS, value: (u, n) => 100 * u + (n % 7) };
// The same file re-issued with corrected values for usage point 1, as a utility re-sends a feed.
const corrected: FeedSpec = { ...original, value: (u, n) => (u === 1 && n % 10 === 0 ? 5000 : original.value(u, n)) };
const dir = mkdtempSync(join(tmpdir(), 'usage-cache-'));

describe('usage cache: current after a re-import, never across customers', { timeout: 120_000 }, () => {
  let api: ApiDatabase;
  const points: { usagePointId: string; principal: Principal }[] = [];
  let query: UsageQuery;

  before(async () => {
    api = await openApiDatabase('api_usage_cache');
    const result = await importFile(api.db, { path: writeFeed(join(dir, 'original.xml'), original), source: 'cli', logger });
    assert.equal(result.status, 'loaded', result.errors.join('\n'));
    const rows = (await api.db.query(`SELECT id::text AS id FROM usage_point ORDER BY external_id`)) as { id: string }[];
    for (const [i, { id }] of rows.entries()) {
      const { customerId, accountId } = await seedCustomer(api.db, `Customer ${i + 1}`);
      await api.db.query(`UPDATE usage_point SET customer_account_id = $1 WHERE id = $2`, [accountId, id]);
      points.push({ usagePointId: id, principal: { subject: `customer-${i + 1}`, role: Role.CUSTOMER, customerId: toGlobalId('Customer', customerId) } });
    }
    const [{ from, to }] = (await api.db.query(
      `SELECT '2024-03-09'::timestamp AT TIME ZONE 'America/New_York' AS "from", '2024-03-12'::timestamp AT TIME ZONE 'America/New_York' AS "to"`,
    )) as { from: Date; to: Date }[];
    query = { from, to, resolution: 'DAY' };
  });
  after(() => api.close());

  /** One request's services, as the API builds them, all sharing one process cache. */
  const usage = (cache: UsageCache, principal: Principal, usagePointId: string) =>
    new RequestServices(api.db, principal, undefined, cache).usage.usage(usagePointId, query);

  /** The day totals PostgreSQL computes from the readings as they are now (Wh, shown in kWh). */
  async function sqlDays(usagePointId: string): Promise<string[]> {
    const rows = (await api.db.query(
      `SELECT sum(value)::text AS total FROM interval_reading WHERE usage_point_id = $1 AND start >= $2 AND start < $3
        GROUP BY (start AT TIME ZONE 'America/New_York')::date ORDER BY 1`,
      [usagePointId, query.from, query.to],
    )) as { total: string }[];
    return rows.map((r) => formatScaled(BigInt(r.total), -3)).sort();
  }
  const days = (series: { buckets: { value: string }[] } | null) => series?.buckets.map((b) => b.value).sort();

  it('answers a repeated query from the cache, and a re-import with changed values at once', async () => {
    const cache = new UsageCache(1024 * 1024);
    const [{ usagePointId, principal }] = points;
    const first = await usage(cache, principal, usagePointId);
    assert.deepEqual(days(first), await sqlDays(usagePointId));
    assert.deepEqual(await usage(cache, principal, usagePointId), first);
    assert.deepEqual([cache.stats().hits, cache.stats().misses], [1, 1]);

    const result = await importFile(api.db, { path: writeFeed(join(dir, 'corrected.xml'), corrected), source: 'cli', logger });
    assert.equal(result.status, 'loaded', result.errors.join('\n'));
    assert.ok(result.updated > 0, 'the corrected file changes readings');
    const after = await usage(cache, principal, usagePointId);
    assert.deepEqual(days(after), await sqlDays(usagePointId));
    assert.notDeepEqual(days(after), days(first));
    assert.deepEqual([cache.stats().hits, cache.stats().misses], [1, 2]);
  });

  it('gives one customer nothing of another customer’s cached answer, and each its own', async () => {
    const cache = new UsageCache(1024 * 1024);
    const [own, other] = points;
    const cached = await usage(cache, own.principal, own.usagePointId);
    assert.ok(cached);
    // The other customer asks for the cached point with the same query: the scope refuses before any lookup.
    assert.equal(await usage(cache, other.principal, own.usagePointId), null);
    assert.deepEqual([cache.stats().hits, cache.stats().misses], [0, 1]);
    const theirs = await usage(cache, other.principal, other.usagePointId);
    assert.deepEqual(days(theirs), await sqlDays(other.usagePointId));
    assert.notDeepEqual(days(theirs), days(cached));
  });

  it('evicts the least recently used series past its byte bound', async () => {
    const [a, b] = points;
    // Room for one three-day series only.
    const cache = new UsageCache(2000);
    await usage(cache, a.principal, a.usagePointId);
    await usage(cache, b.principal, b.usagePointId);
    await usage(cache, a.principal, a.usagePointId);
    assert.deepEqual(cache.stats(), { hits: 0, misses: 3, entries: 1, bytes: cache.stats().bytes, maxBytes: 2000 });
    assert.ok(cache.stats().bytes <= 2000);
  });
});
