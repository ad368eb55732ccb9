import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { Client } from 'pg';
import { Role, type Principal } from '../../src/auth/roles';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startSystem, type RunningSystem } from '../../src/main';
import { ALERTS_DATA_MISSING } from '../../src/queue/job-data';
import { toGlobalId } from '../../src/services/access/global-id';
import { ALERT_CHANNEL } from '../../src/services/alerts/alert-kinds';
import { evaluateChanges } from '../../src/services/alerts/change-evaluator';
import { Connection } from '../../src/db/pool';
import { raiseAlerts } from '../../src/services/alerts/raise';
import { importFile } from '../../src/services/import/import-file';
import { RequestServices } from '../../src/services/request-services';
import { seedCustomer } from '../api/support/seed';
import { writeFeed, type FeedSpec } from '../import/feed';
import { waitFor } from '../support/wait-for';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeOnEachQueueBackend } from '../support/queue-backends';

// Local days in New York (the feed's LocalTimeParameters): March 8, 2024 (a Friday), then March 9 to 11; March 10 has
// 23 hours. Values are Wh per quarter-hour, usage is shown in kWh.
const MARCH_8 = Date.UTC(2024, 2, 8, 5) / 1000;
const DAY = 96;
const MARCH_9_READINGS = DAY;
const MARCH_10_READINGS = 92;
const dayOf = (n: number) =>
  n < DAY ? 8 : n < DAY + MARCH_9_READINGS ? 9 : n < DAY + MARCH_9_READINGS + MARCH_10_READINGS ? 10 : 11;
const feed = (perDay: Record<number, number>): FeedSpec => ({
  usagePoints: [1, 2],
  start: MARCH_8,
  count: DAY + MARCH_9_READINGS + MARCH_10_READINGS + DAY,
  value: (_u, n) => perDay[dayOf(n)],
});
// March 8: 0.96 kWh, March 9: 9.6, March 10: 4.6, March 11: 4.8; the ISO week of March 4 to 10 so far: 15.16.
const BASE = { 8: 10, 9: 100, 10: 50, 11: 50 };
const logger = createLogger('silent');

describeOnEachQueueBackend('alert rules evaluated after each committed load', { timeout: 240_000 }, (backend) => {
  let db: TestDatabase;
  let system: RunningSystem;
  let listener: Client;
  const notified: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'alerts-'));
  const customers: { a?: Principal; b?: Principal; aId?: string } = {};
  let pointOfA = '';
  let pointOfB = '';

  before(async () => {
    db = await createTestDatabase(`alerts_${backend.kind}`);
    const config = loadConfig({
      DATABASE_URL: db.url,
      ...backend.settings('alerts'),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'alerts-data-')),
      PORT: '0',
      HOST: '127.0.0.1',
    });
    system = await startSystem('worker', config, logger);
    listener = new Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (n) => notified.push(n.payload ?? ''));
    await listener.query(`LISTEN ${ALERT_CHANNEL}`);
  });
  after(async () => {
    await listener?.end();
    await system?.stop();
    await db?.drop();
  });

  const sql = <T>(text: string, params: unknown[] = []) =>
    system.database.dataSource.query(text, params) as Promise<T[]>;
  const load = async (name: string, spec: FeedSpec, force = false) => {
    const result = await importFile(system.database.dataSource, {
      path: writeFeed(join(dir, name), spec),
      source: 'cli',
      logger,
      force,
    });
    assert.equal(result.status, 'loaded');
  };
  // Every committed change read by the evaluator (the waker queues it at commit; the 30 s scheduler would too).
  const evaluated = () =>
    waitFor(
      'the evaluator to read every change',
      async () =>
        (
          await sql<{ n: number }>(
            `SELECT count(*)::int AS n FROM usage_change WHERE id > coalesce((SELECT change_id FROM alert_watermark), 0)`,
          )
        )[0].n === 0,
      60_000,
    );
  const alerts = () =>
    sql<{ id: string; kind: string; day: string; value: string; threshold: string }>(
      `SELECT id::text, kind, (period_start AT TIME ZONE 'America/New_York')::date::text AS day, value::text, threshold::text FROM alert ORDER BY alert.id`,
    );

  it('raises one alert for the day above the threshold and one for its week, none for the days below', async () => {
    await load('seed.xml', { ...feed(BASE), count: DAY });
    const a = await seedCustomer(system.database.dataSource, 'Alice Alert');
    const b = await seedCustomer(system.database.dataSource, 'Bob Alert');
    const points = await sql<{ id: string }>(`SELECT id::text FROM usage_point ORDER BY usage_point.id`);
    [pointOfA, pointOfB] = points.map((p) => p.id);
    await sql(`UPDATE usage_point SET customer_account_id = $1 WHERE id = $2`, [a.accountId, pointOfA]);
    await sql(`UPDATE usage_point SET customer_account_id = $1 WHERE id = $2`, [b.accountId, pointOfB]);
    customers.a = { subject: 'alice', role: Role.CUSTOMER, customerId: toGlobalId('Customer', a.customerId) };
    customers.b = { subject: 'bob', role: Role.CUSTOMER, customerId: toGlobalId('Customer', b.customerId) };
    customers.aId = a.customerId;
    const rules = new RequestServices(system.database.dataSource, customers.a).alertRules;
    const usagePointId = toGlobalId('UsagePoint', pointOfA);
    for (const [kind, threshold] of [
      ['DAILY_USAGE_ABOVE', '9.599'],
      ['WEEKLY_USAGE_ABOVE', '15'],
      ['DAILY_COST_ABOVE', '0.01'],
    ] as const) {
      const created = await rules.create({ usagePointId, kind, threshold });
      assert.deepEqual(created.refusals, []);
    }
    await evaluated();
    assert.deepEqual(await alerts(), [], 'the rules were created after the seed load');

    await load('march.xml', feed(BASE));
    await evaluated();
    const raised = await alerts();
    // Raised in rule order: the daily rule's day, then the weekly rule's week (from its Monday, March 4).
    assert.deepEqual(
      raised.map(({ kind, day, value, threshold }) => ({ kind, day, value, threshold })),
      [
        { kind: 'DAILY_USAGE_ABOVE', day: '2024-03-09', value: '9.6', threshold: '9.599' },
        { kind: 'WEEKLY_USAGE_ABOVE', day: '2024-03-04', value: '15.16', threshold: '15' },
      ],
    );
    const events = await sql<{ kind: string; customer: string; point: string; payload: Record<string, string> }>(
      `SELECT kind, customer_id::text AS customer, usage_point_id::text AS point, payload FROM event_outbox WHERE kind = 'ALERT_RAISED' ORDER BY id`,
    );
    assert.deepEqual(
      events.map((e) => [
        e.kind,
        e.customer,
        e.point,
        e.payload.alertId,
        e.payload.kind,
        e.payload.value,
        e.payload.threshold,
      ]),
      raised.map((r) => [
        'ALERT_RAISED',
        customers.aId,
        pointOfA,
        toGlobalId('Alert', r.id),
        r.kind,
        r.value,
        r.threshold,
      ]),
    );
    await waitFor('the notifications of the raised alerts', () => notified.length >= 2, 10_000);
    assert.deepEqual(
      notified,
      raised.map((r) => r.id),
    );
  });

  it('raises nothing again for a reload, nor for a correction that keeps the day above; one for a correction that pushes another day above', async () => {
    const before = await alerts();
    await load('march-again.xml', feed(BASE), true);
    await load('march-9-corrected.xml', feed({ ...BASE, 9: 101 }));
    await evaluated();
    assert.deepEqual(await alerts(), before);

    await load('march-10-corrected.xml', feed({ ...BASE, 9: 101, 10: 150 }));
    await evaluated();
    const latest = (await alerts()).slice(before.length);
    assert.deepEqual(
      latest.map(({ kind, day, value }) => ({ kind, day, value })),
      [{ kind: 'DAILY_USAGE_ABOVE', day: '2024-03-10', value: '13.8' }],
    );
  });

  it('a change whose id was drawn before a later one that committed first is evaluated, not skipped', async () => {
    const asA = new RequestServices(system.database.dataSource, customers.a as Principal).alertRules;
    const created = await asA.create({
      usagePointId: toGlobalId('UsagePoint', pointOfA),
      kind: 'DAILY_USAGE_ABOVE',
      threshold: '4.7',
    });
    assert.deepEqual(created.refusals, []);
    // A load of Alice's March 11 (4.8 kWh) that has drawn its change id and not committed yet...
    const slow = new Client({ connectionString: db.url });
    await slow.connect();
    await slow.query('BEGIN');
    await slow.query(
      `INSERT INTO usage_change (usage_point_id, first_day, last_day, window_start, window_end, inserted, revised)
       VALUES ($1, '2024-03-11', '2024-03-11', '2024-03-11T04:00:00Z', '2024-03-12T04:00:00Z', 0, 1)`,
      [pointOfA],
    );
    // ...while a later load (Bob's) commits and is evaluated.
    await load('bob-later.xml', { ...feed({ ...BASE, 11: 51 }), usagePoints: [2] });
    const evaluation = evaluateChanges(system.database.dataSource, logger);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await slow.query('COMMIT');
    await slow.end();
    await evaluation;
    await evaluated();
    const raised = await sql<{ day: string }>(
      `SELECT (period_start AT TIME ZONE 'America/New_York')::date::text AS day FROM alert WHERE rule_id = $1`,
      [created.rule?.id],
    );
    assert.deepEqual(raised, [{ day: '2024-03-11' }]);
  });

  it("a customer sees only its own alerts and cannot create rules on another customer's usage point", async () => {
    const asB = new RequestServices(system.database.dataSource, customers.b as Principal).alertRules;
    const refused = await asB.create({
      usagePointId: toGlobalId('UsagePoint', pointOfA),
      kind: 'DAILY_USAGE_ABOVE',
      threshold: '1',
    });
    assert.deepEqual(
      refused.refusals.map((r) => [r.code, r.argument]),
      [['NOT_FOUND', 'usagePointId']],
    );
    assert.deepEqual((await asB.alerts({ first: 10 })).items, []);
    assert.deepEqual(await asB.rules(null), []);
    const asA = new RequestServices(system.database.dataSource, customers.a as Principal).alertRules;
    const own = await asA.alerts({ first: 10 });
    assert.deepEqual(
      own.items.map((a) => a.id),
      (await alerts()).map((a) => a.id).reverse(),
      'newest first',
    );
    assert.equal((await asA.rules(null)).length, 4);
  });

  it('DATA_MISSING: the daily pass raises one alert per gap, once, and none where readings are recent', async () => {
    const asA = new RequestServices(system.database.dataSource, customers.a as Principal).alertRules;
    const asB = new RequestServices(system.database.dataSource, customers.b as Principal).alertRules;
    assert.deepEqual(
      (await asA.create({ usagePointId: toGlobalId('UsagePoint', pointOfA), kind: 'DATA_MISSING', days: 3 })).refusals,
      [],
    );
    // Point B gets readings up to now.
    const now = Math.floor(Date.now() / 900_000) * 900;
    await load('recent.xml', { usagePoints: [2], start: now - DAY * 900, count: DAY, value: () => 1 });
    assert.deepEqual(
      (await asB.create({ usagePointId: toGlobalId('UsagePoint', pointOfB), kind: 'DATA_MISSING', days: 2 })).refusals,
      [],
    );
    const missing = () =>
      sql<{ point: string; start: string }>(
        `SELECT usage_point_id::text AS point, period_start::text AS start FROM alert WHERE kind = 'DATA_MISSING'`,
      );
    const pass = async () => {
      const job = await system.queues.alerts.add(ALERTS_DATA_MISSING, {});
      await waitFor(
        'the data-missing pass',
        async () => (await system.queues.alerts.getJob(job.id as string))?.finishedOn,
        60_000,
      );
    };
    await pass();
    const raised = await missing();
    assert.equal(raised.length, 1);
    assert.equal(raised[0].point, pointOfA);
    // Where the readings stopped: the end of March 11 in New York.
    assert.equal(new Date(raised[0].start).toISOString(), '2024-03-12T04:00:00.000Z');
    await pass();
    assert.deepEqual(await missing(), raised);
  });

  it('costs: a day whose cost is above, and the open cycle projected above its threshold once however often it is loaded', async () => {
    // Five weeks of quarter-hours up to now on a third usage point of Alice's, 100 Wh and 5 cents each.
    const now = Math.floor(Date.now() / 900_000) * 900;
    const recent: FeedSpec = {
      usagePoints: [3],
      start: now - 35 * DAY * 900,
      count: 35 * DAY,
      value: () => 100,
      cost: () => 5000,
    };
    await load('costs-first-day.xml', { ...recent, count: 1 });
    const [{ id: point }] = await sql<{ id: string }>(
      `SELECT id::text FROM usage_point WHERE external_id = '/RetailCustomer/3/UsagePoint/1'`,
    );
    await sql(
      `UPDATE usage_point SET customer_account_id = (SELECT customer_account_id FROM usage_point WHERE id = $2) WHERE id = $1`,
      [point, pointOfA],
    );
    const asA = new RequestServices(system.database.dataSource, customers.a as Principal);
    const usagePointId = toGlobalId('UsagePoint', point);
    for (const [kind, threshold] of [
      ['BILL_PROJECTED_ABOVE', '10'],
      ['DAILY_COST_ABOVE', '4.7'],
    ] as const) {
      assert.deepEqual((await asA.alertRules.create({ usagePointId, kind, threshold })).refusals, []);
    }
    await load('costs.xml', recent);
    await load('costs-corrected.xml', { ...recent, value: (_u, n) => (n === recent.count - 1 ? 101 : 100) });
    await evaluated();
    const raised = await sql<{ kind: string; start: Date; value: string }>(
      `SELECT kind, period_start AS start, value::text FROM alert WHERE usage_point_id = $1 ORDER BY id`,
      [point],
    );
    const bills = raised.filter((a) => a.kind === 'BILL_PROJECTED_ABOVE');
    const forecast = await asA.billForecasts.forecast(point, null);
    assert.equal(
      forecast?.status,
      'PROJECTED',
      `${forecast?.reason} ${JSON.stringify(forecast?.soFar)} ${forecast?.timeZone}`,
    );
    assert.deepEqual(
      bills.map((a) => a.start.toISOString()),
      [forecast?.periodStart.toISOString()],
    );
    assert.ok(Number(bills[0].value) > 100, bills[0].value);
    // Whole local days cost 4.80 (4.75 on a 23-hour day, 5.00 on a 25-hour one); the partial first and last days less.
    const days = raised.filter((a) => a.kind === 'DAILY_COST_ABOVE');
    assert.ok(days.length >= 32, `${days.length} days above`);
    assert.deepEqual(
      [...new Set(days.map((a) => a.value))].filter((v) => !['4.8', '4.75', '5'].includes(v)),
      [],
    );
  });

  it('an alert and its ALERT_RAISED event are one transaction: rolled back, neither is left and nothing is notified', async () => {
    const [rule] = await sql<{ id: string }>(
      `SELECT id::text FROM alert_rule WHERE kind = 'DAILY_USAGE_ABOVE' AND threshold = 9.599`,
    );
    const connection = await Connection.of(system.database.dataSource);
    const counts = () =>
      sql<{ alerts: number; events: number }>(
        `SELECT (SELECT count(*)::int FROM alert) AS alerts, (SELECT count(*)::int FROM event_outbox WHERE kind = 'ALERT_RAISED') AS events`,
      );
    const [before] = await counts();
    const heard = notified.length;
    await connection.begin();
    try {
      const crossing = {
        ruleId: rule.id,
        usagePointId: pointOfA,
        kind: 'DAILY_USAGE_ABOVE' as const,
        periodStart: new Date('2024-03-11T04:00:00Z'),
        periodEnd: new Date('2024-03-12T04:00:00Z'),
        value: '10',
        threshold: '9.599',
      };
      const [id] = await raiseAlerts(connection.client, [crossing]);
      const { rows: inside } = await connection.client.query<{ customer: string }>(
        `SELECT customer_id::text AS customer FROM event_outbox WHERE kind = 'ALERT_RAISED' AND payload->>'alertId' = $1`,
        [toGlobalId('Alert', id)],
      );
      assert.deepEqual(inside, [{ customer: customers.aId }]);
    } finally {
      await connection.rollback();
      connection.release();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(await counts(), [before]);
    assert.equal(notified.length, heard);
  });
});
