import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Role } from '../../src/auth/roles';
import { PARTITION_MAINTENANCE } from '../../src/jobs/schedules';
import { startTestSystem, type TestSystem } from '../support/system';

describe('/metrics', { timeout: 120_000 }, () => {
  let t: TestSystem;
  before(async () => {
    t = await startTestSystem('serve');
  });
  after(() => t?.stop());

  async function scrape(token?: string) {
    return fetch(`${t.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  }

  it('is for OPS and ADMIN only', async () => {
    assert.equal((await scrape()).status, 401);
    assert.equal((await scrape(await t.token(Role.CUSTOMER, 'Q3VzdG9tZXI6MQ'))).status, 403);
    assert.equal((await scrape(await t.token(Role.CSR))).status, 403);
    assert.equal((await scrape(await t.token(Role.ADMIN))).status, 200);
  });

  it('parses as Prometheus text and carries HTTP, GraphQL, queue, job and pool series', async () => {
    const gql = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query WhoAmI { viewer { role } }', operationName: 'WhoAmI' }),
    });
    assert.equal(gql.status, 200);
    const bad = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Broken { nope }', operationName: 'Broken' }),
    });
    assert.equal(bad.status, 400);
    // The startup partition-maintenance job must have finished for its duration to be observed.
    for (let i = 0; i < 300 && (await t.system.queues.maintenance.getCompletedCount()) === 0; i++) await new Promise((r) => setTimeout(r, 100));

    const response = await scrape(await t.token(Role.OPS));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const families = parsePrometheusTextFormat(text);
    const family = (name: string) => {
      const found = families.find((f) => f.name === name);
      assert.ok(found, `missing ${name}`);
      return found;
    };
    const has = (name: string, labels: Record<string, string>) =>
      family(name).metrics.some((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    // The parser folds a histogram's label sets into one (it keeps only the buckets), so histogram series are
    // found by their _count sample in the text, after the parser has accepted the whole exposition.
    const hasHistogram = (name: string, labels: Record<string, string>) => {
      assert.equal(family(name).type, 'HISTOGRAM');
      return text.split('\n').some((line) => line.startsWith(`${name}_count{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
    };

    assert.ok(hasHistogram('usage_portal_http_request_duration_seconds', { method: 'POST', route: '/graphql', status: '200' }));
    assert.ok(hasHistogram('usage_portal_graphql_operation_duration_seconds', { operation: 'WhoAmI', type: 'query' }));
    assert.ok(has('usage_portal_graphql_errors_total', { operation: 'Broken', code: 'GRAPHQL_VALIDATION_FAILED' }));
    for (const queue of ['imports', 'ods-extract', 'maintenance']) assert.ok(has('usage_portal_queue_jobs', { queue }), queue);
    const completed = family('usage_portal_queue_jobs').metrics.find((m) => m.labels?.queue === 'maintenance' && m.labels?.state === 'completed');
    assert.equal(completed?.value, '1');
    assert.ok(has('usage_portal_queue_paused', { queue: 'imports' }));
    assert.ok(hasHistogram('usage_portal_job_duration_seconds', { queue: 'maintenance', job: PARTITION_MAINTENANCE, outcome: 'completed' }));
    const total = family('usage_portal_db_pool_connections').metrics.find((m) => m.labels?.state === 'total');
    assert.ok(Number(total?.value) >= 1);
    assert.ok(families.some((f) => f.name === 'usage_portal_process_cpu_seconds_total'));
  });
});
