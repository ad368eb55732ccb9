import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateEspiFeed } from '../../bench/espi-parse-generate';
import { Role } from '../../src/auth/roles';
import { enqueueImport } from '../../src/jobs/import-queue';
import { toGlobalId } from '../../src/services/access/global-id';
import { startTestSystem, type TestSystem } from '../support/system';
import { seedHousehold } from './support/seed';

// Large enough that the worker is still loading while the API answers several queries; the test does not depend on
// how long the load takes, only on observing the job active before and after an answer.
const READINGS = 300_000;
const PER_USAGE_POINT = 5_000;

const QUERY = `query($id: ID!, $first: Int!) {
  usagePoint(id: $id) { id timeZone usage(from: "2024-01-01T05:00:00Z", to: "2024-02-01T05:00:00Z", resolution: DAY) { total readings buckets { start value readings } } }
  usagePoints(first: $first) { edges { node { id } } }
}`;

interface Answer {
  usagePoint: { usage: { total: string; readings: number } };
  usagePoints: { edges: unknown[] };
}

describe('the API keeps serving while a worker loads a large file', { timeout: 600_000 }, () => {
  let t: TestSystem;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serving-'));
    t = await startTestSystem('serve', { INBOX_DIR: join(dir, 'inbox'), INBOX_SCAN_CRON: '0 0 1 1 *' });
  });
  after(() => t?.stop());

  it('answers GraphQL queries correctly, and shows none of the load until it commits', async () => {
    const db = t.system.database.dataSource;
    const household = await seedHousehold(
      db,
      'Served',
      'America/New_York',
      new Date('2024-01-01T05:00:00Z'),
      new Date('2024-02-01T05:00:00Z'),
    );
    const id = toGlobalId('UsagePoint', household.usagePointId);
    const token = await t.token(Role.CSR);
    const ask = async (): Promise<Answer> => {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: QUERY, variables: { id, first: 100 } }),
      });
      const body = (await response.json()) as { data?: Answer; errors?: unknown };
      assert.equal(response.status, 200, JSON.stringify(body.errors));
      assert.equal(body.errors, undefined);
      return body.data as Answer;
    };
    const before = await ask();
    // The answer is right, not merely stable: the month's readings and total as PostgreSQL sums them.
    const [{ n, total }] = await db.query(
      `SELECT count(*)::int AS n, sum(value)::text AS total FROM interval_reading WHERE usage_point_id = $1`,
      [household.usagePointId],
    );
    assert.equal(before.usagePoint.usage.readings, n);
    assert.equal(before.usagePoint.usage.total, String(Number(total) / 1000), 'Wh shown as kWh');
    assert.equal(before.usagePoints.edges.length, 1);

    const file = join(dir, 'large.xml');
    await generateEspiFeed(file, READINGS, PER_USAGE_POINT);
    const job = await enqueueImport(t.system.queues.imports, { path: file, source: 'file' });
    const state = async () => (await t.system.queues.imports.getJob(job.id as string))?.getState();
    for (let i = 0; i < 6000 && (await state()) !== 'active'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await state(), 'active', 'the import job started');

    // Answers counted only when the job was active both before the query was sent and after its answer arrived.
    let answeredDuringLoad = 0;
    for (let i = 0; i < 20; i++) {
      if ((await state()) !== 'active') break;
      const during = await ask();
      if ((await state()) !== 'active') break;
      assert.deepEqual(
        during,
        before,
        'the same answer while the load runs, and none of its usage points before it commits',
      );
      answeredDuringLoad++;
    }
    assert.ok(answeredDuringLoad > 0, 'at least one query was answered while the import job was active');

    for (let i = 0; i < 6000 && ['active', 'waiting'].includes((await state()) ?? ''); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(await state(), 'completed');
    const [{ readings }] = await db.query(`SELECT count(*)::int AS readings FROM interval_reading`);
    assert.equal(readings, n + READINGS);
    const afterLoad = await ask();
    assert.deepEqual(afterLoad.usagePoint, before.usagePoint);
    assert.equal(
      afterLoad.usagePoints.edges.length,
      1 + READINGS / PER_USAGE_POINT,
      'the loaded usage points are visible once it committed',
    );
  });
});
