import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Role } from '../../src/auth/roles';
import { PARTITION_MAINTENANCE } from '../../src/queue/job-data';
import { transaction } from '../../src/db/pool';
import { createLogger } from '../../src/logger';
import { advanceWatermark } from '../../src/services/extract/watermark';
import { importFile } from '../../src/services/import/import-file';
import { feedXml } from '../import/feed';
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

  /** Parsed series of one scrape: the value of `name` with exactly `labels`, or undefined when absent. */
  async function sample(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    const families = parsePrometheusTextFormat(await (await scrape(await t.token(Role.OPS))).text());
    const found = families
      .find((f) => f.name === name)
      ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    return found && 'value' in found ? Number(found.value) : undefined;
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
    for (let i = 0; i < 300 && (await t.system.queues.maintenance.getCompletedCount()) === 0; i++)
      await new Promise((r) => setTimeout(r, 100));

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
      return text
        .split('\n')
        .some(
          (line) =>
            line.startsWith(`${name}_count{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)),
        );
    };

    assert.ok(
      hasHistogram('usage_portal_http_request_duration_seconds', { method: 'POST', route: '/graphql', status: '200' }),
    );
    assert.ok(hasHistogram('usage_portal_graphql_operation_duration_seconds', { operation: 'WhoAmI', type: 'query' }));
    assert.ok(has('usage_portal_graphql_errors_total', { operation: 'Broken', code: 'GRAPHQL_VALIDATION_FAILED' }));
    for (const queue of ['imports', 'ods-extract', 'maintenance'])
      assert.ok(has('usage_portal_queue_jobs', { queue }), queue);
    const completed = family('usage_portal_queue_jobs').metrics.find(
      (m) => m.labels?.queue === 'maintenance' && m.labels?.state === 'completed',
    );
    assert.equal(completed?.value, '1');
    assert.ok(has('usage_portal_queue_paused', { queue: 'imports' }));
    assert.ok(
      hasHistogram('usage_portal_job_duration_seconds', {
        queue: 'maintenance',
        job: PARTITION_MAINTENANCE,
        outcome: 'completed',
      }),
    );
    const total = family('usage_portal_db_pool_connections').metrics.find((m) => m.labels?.state === 'total');
    assert.ok(Number(total?.value) >= 1);
    assert.ok(families.some((f) => f.name === 'usage_portal_process_cpu_seconds_total'));
  });

  it('counts readings loaded and rejected by source, import batches, and the last extract success', async () => {
    const { dataSource } = t.system.database;
    assert.equal(await sample('usage_portal_readings_loaded_total', { source: 'upload' }), undefined);
    assert.equal(await sample('usage_portal_last_extract_success_timestamp_seconds'), 0);
    // 48 readings, one of them without a value: loaded with 47, one rejected.
    const xml = feedXml({
      usagePoints: [1],
      start: Date.UTC(2024, 0, 1) / 1000,
      count: 48,
      value: (_u, n) => n + 1,
    }).replace('<value>1</value>', '');
    const path = join(mkdtempSync(join(tmpdir(), 'metrics-')), 'upload.xml');
    writeFileSync(path, xml);
    const result = await importFile(dataSource, { path, source: 'upload', logger: createLogger('silent') });
    assert.deepEqual([result.status, result.readings, result.rejected], ['loaded', 47, 1]);
    assert.equal(await sample('usage_portal_readings_loaded_total', { source: 'upload' }), 47);
    assert.equal(await sample('usage_portal_readings_rejected_total', { source: 'upload' }), 1);
    assert.equal(await sample('usage_portal_import_batches', { source: 'upload', status: 'loaded' }), 1);
    // A rejected file leaves the reading counters alone and shows as a rejected batch.
    writeFileSync(path, xml.slice(0, xml.length / 2));
    assert.equal(
      (await importFile(dataSource, { path, source: 'upload', logger: createLogger('silent') })).status,
      'rejected',
    );
    assert.equal(await sample('usage_portal_readings_loaded_total', { source: 'upload' }), 47);
    assert.equal(await sample('usage_portal_import_batches', { source: 'upload', status: 'rejected' }), 1);

    const before = Date.now() / 1000;
    await transaction(dataSource, (client) => advanceWatermark(client, '42'));
    const at = (await sample('usage_portal_last_extract_success_timestamp_seconds')) ?? 0;
    assert.ok(at >= Math.floor(before) && at <= Date.now() / 1000 + 1, String(at));
  });
});
