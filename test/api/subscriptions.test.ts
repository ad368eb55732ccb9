import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { mintToken } from '../../src/auth/tokens';
import { idOf, toGlobalId } from '../../src/services/access/global-id';
import { Connection } from '../../src/db/pool';
import { raiseAlerts } from '../../src/services/alerts/raise';
import { importFile } from '../../src/services/import/import-file';
import { createLogger } from '../../src/logger';
import { writeFeed, type FeedSpec } from '../import/feed';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startApiSystem, TEST_JWT_SECRET, type ApiSystem } from './support/api-system';
import { seedHousehold } from './support/seed';
import { subscriptionClient, type SubscriptionClient } from './support/subscription-client';

const logger = createLogger('silent');
// 2024-03-09 00:00 in New York: three local days of quarter-hours for two usage points.
const MARCH_9 = Date.UTC(2024, 2, 9, 5) / 1000;
const DAYS = 96 + 92 + 96;
const base: FeedSpec = { usagePoints: [1, 2], start: MARCH_9, count: DAYS, value: (u, n) => 100 + ((n * 37 + u) % 50) };
const dir = mkdtempSync(join(tmpdir(), 'subscriptions-'));
const USAGE_UPDATED = `subscription($id: ID!) { usageUpdated(usagePointId: $id) { usagePointId batchId from to inserted revised committedAt } }`;

/** Open subscriptions on the process, as its /metrics reports them to OPS. */
async function openSubscriptions(api: ApiSystem): Promise<number> {
  const response = await fetch(`${api.system.http?.url}/metrics`, {
    headers: { authorization: `Bearer ${await api.token(Role.OPS)}` },
  });
  const match = /^usage_portal_graphql_subscriptions (\d+)$/m.exec(await response.text());
  return Number(match?.[1]);
}

/** Until the process holds `count` subscriptions: only then does a commit reach them. */
async function subscribed(api: ApiSystem, count: number): Promise<void> {
  for (let tries = 0; (await openSubscriptions(api)) !== count; tries++) {
    if (tries > 200) throw new Error(`the API never held ${count} subscriptions`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(
  'GraphQL subscriptions over WebSocket, fanned out through PostgreSQL to every API process',
  { timeout: 180_000 },
  () => {
    let database: TestDatabase;
    let a: ApiSystem;
    let b: ApiSystem;
    const clients: SubscriptionClient[] = [];
    const connect = (api: ApiSystem, params: Record<string, unknown>) => {
      const client = subscriptionClient(api.system.http?.url as string, params);
      clients.push(client);
      return client;
    };
    const load = async (name: string, spec: FeedSpec) => {
      // Through process B's database: the subscriber on A hears of it only through PostgreSQL.
      const result = await importFile(b.system.database.dataSource, {
        path: writeFeed(join(dir, name), spec),
        source: 'cli',
        logger,
      });
      assert.equal(result.status, 'loaded');
      return toGlobalId('ImportBatch', result.batchId as string);
    };
    let point1: string;

    before(async () => {
      database = await createTestDatabase('subscriptions');
      a = await startApiSystem({ SUBSCRIPTIONS_PER_PRINCIPAL: '3' }, logger, database);
      b = await startApiSystem({}, logger, database);
      await load('base.xml', base);
      const [{ id }] = (await a.system.database.dataSource.query(
        `SELECT id::text FROM usage_point ORDER BY id LIMIT 1`,
      )) as { id: string }[];
      point1 = toGlobalId('UsagePoint', id);
    });
    after(async () => {
      await Promise.all(clients.map((c) => c.dispose()));
      await a?.stop();
      await b?.stop();
      await database?.drop();
    });

    it('a client subscribed on A gets one event per committed change of its usage point, with its figures, whichever process loaded it', async () => {
      const csr = connect(a, { authorization: `Bearer ${await a.token(Role.CSR)}` });
      const onA = csr.subscribe(USAGE_UPDATED, { id: point1 });
      const onB = connect(b, { token: await b.token(Role.ADMIN) }).subscribe(USAGE_UPDATED, { id: point1 });
      await subscribed(a, 1);
      await subscribed(b, 1);

      // Four readings appended to both points, then a correction of one reading of point 2 only, then of point 1.
      const appended = await load('appended.xml', { ...base, count: DAYS + 4 });
      await load('point-2.xml', {
        ...base,
        usagePoints: [2],
        count: DAYS + 4,
        value: (u, n) => (n === 5 ? 7777 : base.value(u, n)),
      });
      const corrected = await load('point-1.xml', {
        ...base,
        usagePoints: [1],
        count: DAYS + 4,
        value: (u, n) => (n === 100 ? 9999 : base.value(u, n)),
      });

      for (const subscription of [onA, onB]) {
        const { usageUpdated: first } = (await subscription.next()).data as {
          usageUpdated: Record<string, string | number>;
        };
        assert.deepEqual(first, {
          usagePointId: point1,
          batchId: appended,
          from: '2024-03-12T04:00:00.000Z',
          to: '2024-03-13T04:00:00.000Z',
          inserted: 4,
          revised: 0,
          committedAt: first.committedAt,
        });
        const { usageUpdated: second } = (await subscription.next()).data as {
          usageUpdated: Record<string, string | number>;
        };
        assert.deepEqual(
          [second.batchId, second.from, second.to, second.inserted, second.revised],
          [corrected, '2024-03-10T05:00:00.000Z', '2024-03-11T04:00:00.000Z', 0, 1],
        );
        assert.ok(Date.parse(second.committedAt as string) > Date.parse(first.committedAt as string));
      }

      // A rejected load commits nothing and emits nothing: the next event is the next committed load's.
      const whole = readFileSync(writeFeed(join(dir, 'changed.xml'), { ...base, value: () => 7 }), 'utf8');
      writeFileSync(join(dir, 'truncated.xml'), whole.slice(0, Math.floor(whole.length * 0.8)));
      const rejected = await importFile(b.system.database.dataSource, {
        path: join(dir, 'truncated.xml'),
        source: 'cli',
        logger,
      });
      assert.equal(rejected.status, 'rejected');
      // Reloading the same readings changes nothing, so it is no change either.
      await importFile(b.system.database.dataSource, {
        path: join(dir, 'point-1.xml'),
        source: 'cli',
        logger,
        force: true,
      });
      const later = await load('later.xml', { ...base, count: DAYS + 8 });
      for (const subscription of [onA, onB])
        assert.equal(((await subscription.next()).data?.usageUpdated as { batchId: string }).batchId, later);
      assert.deepEqual(
        [onA.received.results.length, onB.received.results.length, onA.received.errors, onB.received.errors],
        [3, 3, [], []],
      );
    });

    it('alertRaised: an alert raised on the usage point reaches its subscriber once, through PostgreSQL; a rolled-back raise sends nothing', async () => {
      const admin = await a.token(Role.ADMIN);
      const created = await a.query(
        `mutation($input: AlertRuleCreateInput!) { alertRuleCreate(input: $input) { rule { id } userErrors { code } } }`,
        { input: { usagePointId: point1, kind: 'DAILY_USAGE_ABOVE', threshold: '1' } },
        admin,
      );
      const rule = (created.data as { alertRuleCreate: { rule: { id: string } } }).alertRuleCreate.rule.id;
      const open = await openSubscriptions(a);
      const alerts = connect(a, { token: admin }).subscribe(
        `subscription($id: ID!) { alertRaised(usagePointId: $id) { id kind value threshold periodStart } }`,
        { id: point1 },
      );
      await subscribed(a, open + 1);
      const [{ up }] = (await b.system.database.dataSource.query(
        `SELECT id::text AS up FROM usage_point ORDER BY id LIMIT 1`,
      )) as { up: string }[];
      const crossing = (day: number) => ({
        ruleId: idOf(rule, 'AlertRule') as string,
        usagePointId: up,
        kind: 'DAILY_USAGE_ABOVE' as const,
        periodStart: new Date(Date.UTC(2024, 2, day, 5)),
        periodEnd: new Date(Date.UTC(2024, 2, day + 1, 4)),
        value: '9.6',
        threshold: '1',
      });
      // Raised through process B's database, as the evaluator does, in a transaction: first rolled back, then
      // committed.
      const raise = async (day: number, commit: boolean) => {
        const connection = await Connection.of(b.system.database.dataSource);
        await connection.begin();
        const ids = await raiseAlerts(connection.client, [crossing(day)]);
        await (commit ? connection.commit() : connection.rollback());
        connection.release();
        return ids;
      };
      await raise(9, false);
      const [committed] = await raise(10, true);
      const { alertRaised } = (await alerts.next()).data as { alertRaised: Record<string, string> };
      assert.deepEqual(alertRaised, {
        id: toGlobalId('Alert', committed),
        kind: 'DAILY_USAGE_ABOVE',
        value: '9.6',
        threshold: '1',
        periodStart: '2024-03-10T05:00:00.000Z',
      });
      assert.deepEqual(alerts.received.errors, []);
    });

    it('a listener whose database connection drops reconnects, and what committed meanwhile still reaches its subscribers once', async () => {
      const subscription = connect(a, {
        authorization: `Bearer ${await a.token(Role.CSR, undefined, 'reconnecting')}`,
      }).subscribe(USAGE_UPDATED, { id: point1 });
      await subscribed(a, 2);
      const [{ dropped }] = (await b.system.database.dataSource.query(
        `SELECT count(pg_terminate_backend(pid))::int AS dropped FROM pg_stat_activity WHERE application_name = 'usage-portal-api-listen' AND datname = current_database()`,
      )) as { dropped: number }[];
      assert.equal(dropped, 2);
      const meanwhile = await load('meanwhile.xml', { ...base, count: DAYS + 12 });
      assert.equal(((await subscription.next()).data?.usageUpdated as { batchId: string }).batchId, meanwhile);
      const after = await load('after.xml', { ...base, count: DAYS + 16 });
      assert.equal(((await subscription.next()).data?.usageUpdated as { batchId: string }).batchId, after);
      assert.equal(subscription.received.results.length, 2);
    });

    it("a CUSTOMER subscribes to its own usage points only; another customer's is refused at subscribe time", async () => {
      const from = new Date('2024-03-01T00:00:00Z');
      const to = new Date('2024-03-02T00:00:00Z');
      const own = await seedHousehold(a.system.database.dataSource, 'Own', 'America/New_York', from, to);
      const other = await seedHousehold(a.system.database.dataSource, 'Other', 'America/New_York', from, to);
      const customer = connect(a, {
        authorization: `Bearer ${await a.token(Role.CUSTOMER, toGlobalId('Customer', own.customerId))}`,
      });
      const before = await openSubscriptions(a);
      for (const id of [other.usagePointId, '999999999']) {
        const refused = customer.subscribe(USAGE_UPDATED, { id: toGlobalId('UsagePoint', id) });
        await refused.ended;
        assert.equal(refused.received.results[0].errors?.[0].extensions?.code, 'BAD_USER_INPUT');
        assert.equal(refused.received.results[0].data, undefined);
      }
      customer.subscribe(USAGE_UPDATED, { id: toGlobalId('UsagePoint', own.usagePointId) });
      await subscribed(a, before + 1);
    });

    it('a socket without a token, or with an invalid or expired one, is closed; a token that expires closes its socket', async () => {
      assert.equal((await connect(a, {}).closed).code, 4401);
      const invalid = await connect(a, { authorization: 'Bearer not-a-token' }).closed;
      assert.deepEqual([invalid.code, invalid.reason.startsWith('invalid token')], [4403, true]);
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({ role: Role.CSR })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('late')
        .setIssuedAt(now - 120)
        .setExpirationTime(now - 60)
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
      assert.deepEqual(await connect(a, { authorization: `Bearer ${expired}` }).closed, {
        code: 4403,
        reason: 'token expired',
      });
      const shortLived = connect(a, {
        authorization: `Bearer ${await mintToken(a.config, { role: Role.CSR, ttlSeconds: 2 })}`,
      });
      const subscription = shortLived.subscribe(USAGE_UPDATED, { id: point1 });
      assert.deepEqual(await shortLived.closed, { code: 4403, reason: 'token expired' });
      await subscription.ended;
    });

    it('subscriptions count against the query limits and a per-principal cap; the socket runs subscriptions only', async () => {
      const token = await a.token(Role.ADMIN, undefined, 'capped-admin');
      const admin = connect(a, { authorization: `Bearer ${token}` });
      const deep = admin.subscribe(
        `subscription { usageUpdated(usagePointId: "${point1}") { ${'a: usagePointId '.repeat(40)} } }`,
      );
      await deep.ended;
      assert.equal(
        (deep.received.errors[0] as { extensions: { code: string } }[])[0].extensions.code,
        'QUERY_TOO_COMPLEX',
      );
      const overHttp = await a.query(USAGE_UPDATED, { id: point1 }, token);
      assert.deepEqual([overHttp.status, overHttp.errors?.[0].extensions?.code], [400, 'BAD_REQUEST']);
      const query = admin.subscribe('{ viewer { role } }');
      await query.ended;
      assert.equal((query.received.errors[0] as { extensions: { code: string } }[])[0].extensions.code, 'BAD_REQUEST');

      const before = await openSubscriptions(a);
      const held = [1, 2, 3].map(() => admin.subscribe(USAGE_UPDATED, { id: point1 }));
      await subscribed(a, before + 3);
      const fourth = admin.subscribe(USAGE_UPDATED, { id: point1 });
      await fourth.ended;
      assert.equal(fourth.received.results[0].errors?.[0].extensions?.code, 'TOO_MANY_SUBSCRIPTIONS');
      // Another principal has its own cap; one subscription let go frees its place.
      connect(a, { authorization: `Bearer ${await a.token(Role.ADMIN, undefined, 'another-admin')}` }).subscribe(
        USAGE_UPDATED,
        { id: point1 },
      );
      await subscribed(a, before + 4);
      held[0].unsubscribe();
      await subscribed(a, before + 3);
      admin.subscribe(USAGE_UPDATED, { id: point1 });
      await subscribed(a, before + 4);
    });

    it("the HTTP stop closes the sockets (1001 going away) and lets the subscriptions' streams go", async () => {
      const client = connect(b, { authorization: `Bearer ${await b.token(Role.CSR)}` });
      const subscription = client.subscribe(USAGE_UPDATED, { id: point1 });
      await subscribed(b, 2);
      await b.system.stop();
      assert.equal((await client.closed).code, 1001);
      await subscription.ended;
    });
  },
);
