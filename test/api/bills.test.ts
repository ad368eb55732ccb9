import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { Role } from '../../src/auth/roles';
import { createLogger } from '../../src/logger';
import { seedDemoOds } from '../../src/ods/generator';
import { toGlobalId } from '../../src/services/access/global-id';
import { COST_EXPONENT, formatScaled } from '../../src/services/usage/decimal';
import { usagePointHref } from '../../src/ods/extract';
import { runExtract } from '../support/extract';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { XMLLINT_MISSING, xmllintValidate } from '../support/xmllint';
import { startApiSystem, type ApiSystem } from './support/api-system';
import { openApiDatabase, type ApiDatabase } from './support/database';

// The demo ODS's bills end to end: seeded, extracted as ESPI UsageSummary entries, loaded, and read through
// UsagePoint.summaries over HTTP, each reconciled with the interval costs of its period.

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface OdsBill {
  up: string;
  start: string;
  amount: string;
  energy: string;
  reads: string;
  fixed: string;
  other: string;
}

const money = (raw: string) => formatScaled(BigInt(raw), COST_EXPONENT);
// A year of 8 customers: one with solar, two with gas.
const SEED = { customers: 8, days: 365, end: new Date('2025-01-01T00:00:00Z') };

describe('bills: demo ODS → extract → load → UsagePoint.summaries', { timeout: 600_000 }, () => {
  let db: ApiDatabase;
  let odsDb: TestDatabase;
  let ods: Client;
  let api: ApiSystem;
  let csr: string;
  const inboxDir = mkdtempSync(join(tmpdir(), 'bills-inbox-'));
  const run = () =>
    runExtract(db.db, {
      odsUrl: odsDb.url,
      outboxDir: mkdtempSync(join(tmpdir(), 'bills-outbox-')),
      inboxDir,
      logger: createLogger('silent'),
    });
  /** Usage point ODS id → portal id and customer. */
  const portalIds = new Map<string, { id: string; customer: string }>();

  before(async () => {
    db = await openApiDatabase('api_bills');
    odsDb = await createTestDatabase('ods_bills_api');
    ods = new Client({ connectionString: odsDb.url });
    await ods.connect();
    await seedDemoOds(ods, SEED);
    await run();
    const rows = (await db.db.query(
      `SELECT u.id::text AS id, substring(u.external_id from '[^/]+$') AS href, a.customer_id::text AS customer
         FROM usage_point u JOIN customer_account a ON a.id = u.customer_account_id`,
    )) as { id: string; href: string; customer: string }[];
    const { rows: odsUps } = await ods.query<{ id: string }>('SELECT usage_point_id::text AS id FROM ods.usage_point');
    for (const { id } of odsUps) {
      const href = usagePointHref(id).split('/').pop();
      const found = rows.find((r) => r.href === href);
      assert.ok(found, `usage point ${id} loaded`);
      portalIds.set(id, { id: found.id, customer: found.customer });
    }
    api = await startApiSystem({}, undefined, db.database);
    csr = await api.token(Role.CSR);
  });
  after(async () => {
    await api?.stop();
    await ods?.end();
    await odsDb?.drop();
    await db?.close();
  });

  const data = async (query: string, token = csr, variables: Record<string, unknown> = {}): Promise<Data> => {
    const response = await api.query(query, variables, token);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return response.data as Data;
  };

  /** Every bill of the ODS with its energy charge and the interval costs of its period, read from the ODS in SQL. */
  async function odsBills(): Promise<OdsBill[]> {
    const { rows } = await ods.query<OdsBill>(
      `SELECT b.usage_point_id::text AS up, to_char(b.period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS start, b.amount::text AS amount,
              (SELECT amount FROM ods.bill_line_item WHERE bill_id = b.bill_id AND kind = 'energy')::text AS energy,
              (SELECT amount FROM ods.bill_line_item WHERE bill_id = b.bill_id AND kind = 'fixed')::text AS fixed,
              (SELECT coalesce(sum(amount), 0) FROM ods.bill_line_item WHERE bill_id = b.bill_id AND kind IN ('tax', 'credit'))::text AS other,
              (SELECT coalesce(sum(r.cost), 0) FROM ods.interval_read r JOIN ods.channel c USING (channel_id)
                WHERE c.usage_point_id = b.usage_point_id AND c.flow_direction = 1 AND r.start >= b.period_start AND r.start < b.period_end)::text AS reads
         FROM ods.bill b ORDER BY b.usage_point_id, b.period_start`,
    );
    return rows;
  }

  const PERIOD = 'billingPeriodStart billingPeriodEnd';
  const BILL = `${PERIOD} billLastPeriod tariffProfile lineItems { note amount itemKind } reconciliation { intervalCost lineItemsTotal difference readings expected }`;
  const summariesOf = (up: string, args: string, token = csr, node = PERIOD) =>
    data(
      `{ usagePoint(id: "${toGlobalId('UsagePoint', up)}") { summaries(${args}) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { ${node} } } } } }`,
      token,
    ).then((d) => d.usagePoint.summaries);

  it('every usage point has its 11–12 bills, oldest first by default and newest first on request, with totalCount', async () => {
    const bills = await odsBills();
    for (const [odsId, { id }] of portalIds) {
      const expected = bills.filter((b) => b.up === odsId).map((b) => b.start);
      assert.ok(expected.length >= 11 && expected.length <= 12, `${odsId}: ${expected.length}`);
      const asc = await summariesOf(id, 'first: 100');
      assert.equal(asc.totalCount, expected.length);
      assert.deepEqual(
        asc.edges.map((e: Data) => e.node.billingPeriodStart),
        expected,
      );
      const desc = await summariesOf(id, 'first: 100, orderBy: PERIOD_START_DESC');
      assert.deepEqual(
        desc.edges.map((e: Data) => e.node.billingPeriodStart),
        [...expected].reverse(),
      );
    }
  });

  it("each bill's energy charge equals its period's interval costs in the ODS; the reconciliation difference is fixed charge + taxes + credits", async () => {
    const bills = await odsBills();
    let checked = 0;
    for (const [odsId, { id }] of portalIds) {
      const page = await summariesOf(id, 'first: 12', csr, BILL);
      for (const { node } of page.edges) {
        const bill = bills.find((b) => b.up === odsId && b.start === node.billingPeriodStart) as OdsBill;
        const energy = node.lineItems.find((i: Data) => i.note === 'Energy charge');
        assert.equal(bill.energy, bill.reads, 'in the ODS');
        assert.equal(energy.amount, money(bill.reads));
        assert.equal(node.billLastPeriod, money(bill.amount));
        assert.equal(node.reconciliation.intervalCost, money(bill.reads));
        assert.equal(node.reconciliation.lineItemsTotal, money(bill.amount));
        assert.equal(node.reconciliation.difference, money(String(BigInt(bill.fixed) + BigInt(bill.other))));
        assert.ok(node.reconciliation.readings > 0 && node.reconciliation.readings <= node.reconciliation.expected);
        assert.match(node.tariffProfile, /^DEMO-(TOU|FLAT|GAS)$/);
        checked++;
      }
    }
    assert.ok(checked >= 11 * portalIds.size);
  });

  it('pages backward with last/before and forward with first/after, meeting in the middle, in both orders', async () => {
    const [, { id }] = [...portalIds][0];
    for (const order of ['PERIOD_START_ASC', 'PERIOD_START_DESC']) {
      const all = (await summariesOf(id, `first: 100, orderBy: ${order}`)).edges.map(
        (e: Data) => e.node.billingPeriodStart,
      );
      const tail = await summariesOf(id, `last: 4, orderBy: ${order}`);
      assert.deepEqual(
        tail.edges.map((e: Data) => e.node.billingPeriodStart),
        all.slice(-4),
      );
      assert.equal(tail.pageInfo.hasPreviousPage, true);
      const before = await summariesOf(id, `last: 100, before: "${tail.pageInfo.startCursor}", orderBy: ${order}`);
      assert.deepEqual(
        before.edges.map((e: Data) => e.node.billingPeriodStart),
        all.slice(0, -4),
      );
      const head = await summariesOf(id, `first: 3, orderBy: ${order}`);
      const next = await summariesOf(id, `first: 3, after: "${head.pageInfo.endCursor}", orderBy: ${order}`);
      assert.deepEqual(
        [...head.edges, ...next.edges].map((e: Data) => e.node.billingPeriodStart),
        all.slice(0, 6),
      );
      assert.equal(next.totalCount, all.length);
    }
  });

  it('from/to keep the bills whose billing period overlaps [from, to), and totalCount counts them', async () => {
    const [, { id }] = [...portalIds][0];
    const all = (await summariesOf(id, 'first: 100')).edges.map((e: Data) => e.node);
    const third = all[2];
    // From the end of the second period (exclusive: the second is out) to the start of the fifth (the fifth is out).
    const some = await summariesOf(
      id,
      `first: 100, from: "${all[1].billingPeriodEnd}", to: "${all[4].billingPeriodStart}"`,
    );
    assert.deepEqual(
      some.edges.map((e: Data) => e.node.billingPeriodStart),
      [third.billingPeriodStart, all[3].billingPeriodStart],
    );
    assert.equal(some.totalCount, 2);
    // One instant inside a period: that bill alone.
    const inside = new Date(new Date(third.billingPeriodStart).getTime() + 86_400_000).toISOString();
    const one = await summariesOf(
      id,
      `first: 100, orderBy: PERIOD_START_DESC, from: "${inside}", to: "${new Date(Date.parse(inside) + 1000).toISOString()}"`,
    );
    assert.deepEqual(
      one.edges.map((e: Data) => e.node.billingPeriodStart),
      [third.billingPeriodStart],
    );
    const open = await summariesOf(id, `last: 2, from: "${third.billingPeriodStart}"`);
    assert.equal(open.totalCount, all.length - 2);
    assert.deepEqual(
      open.edges.map((e: Data) => e.node.billingPeriodStart),
      all.slice(-2).map((b: Data) => b.billingPeriodStart),
    );
    const refused = await api.query(
      `{ usagePoint(id: "${toGlobalId('UsagePoint', id)}") { summaries(first: 5, from: "2024-06-01T00:00:00Z", to: "2024-05-01T00:00:00Z") { totalCount } } }`,
      {},
      csr,
    );
    // Met while resolving the field: a 200 naming the field and argument, as every range check does.
    assert.equal(refused.status, 200);
    assert.equal(refused.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    assert.deepEqual(refused.errors?.[0].extensions?.field, ['summaries', 'from']);
  });

  it('a CUSTOMER sees its own bills and none of another account; OPS sees bills without personal fields', async () => {
    const [[, mine], other] = [...portalIds];
    const owner = await api.token(Role.CUSTOMER, toGlobalId('Customer', mine.customer));
    assert.ok((await summariesOf(mine.id, 'first: 5', owner)).totalCount >= 11);
    const stranger = [...portalIds.values()].find((u) => u.customer !== mine.customer) ?? other[1];
    const theirs = await data(
      `{ usagePoint(id: "${toGlobalId('UsagePoint', stranger.id)}") { summaries(first: 5) { totalCount } } }`,
      owner,
    );
    assert.equal(theirs.usagePoint, null);
    const ops = await api.token(Role.OPS);
    const seen = await data(
      `{ usagePoint(id: "${toGlobalId('UsagePoint', mine.id)}") { name summaries(first: 1) { totalCount edges { node { billLastPeriod } } } } }`,
      ops,
    );
    assert.equal(seen.usagePoint.name, null);
    assert.ok(seen.usagePoint.summaries.totalCount >= 11);
  });

  it('the usage point keeps its tariff code; a second extract changes nothing and duplicates no bill', async () => {
    const tariffs = (await db.db.query(
      `SELECT tariff_profile AS tariff, count(*)::int AS n FROM usage_point GROUP BY 1 ORDER BY 1`,
    )) as { tariff: string; n: number }[];
    const { rows: expected } = await ods.query<{ tariff: string; n: number }>(
      `SELECT tariff, count(*)::int AS n FROM ods.usage_point GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(tariffs, expected);
    const count = async () =>
      (
        (await db.db.query(
          'SELECT count(*)::int AS n, (SELECT count(*)::int FROM usage_summary_line_item) AS items FROM usage_summary',
        )) as { n: number; items: number }[]
      )[0];
    const before = await count();
    assert.equal(before.n, (await odsBills()).length);
    const again = await run();
    assert.equal(again.files.length, 0, 'nothing changed');
    // A corrected bill: its line item changes, so the bill is extracted again and updated in place.
    await ods.query(
      `UPDATE ods.bill_line_item SET amount = amount + 100 WHERE bill_id = (SELECT min(bill_id) FROM ods.bill) AND kind = 'tax'`,
    );
    await ods.query(`UPDATE ods.bill SET amount = amount + 100 WHERE bill_id = (SELECT min(bill_id) FROM ods.bill)`);
    const corrected = await run();
    // The usage feed of the bill's usage point, and its customer's feed.
    assert.deepEqual(
      corrected.files.map((f) => [f.file.replace(/.*-/, ''), f.status, f.usagePoints]),
      [
        ['usage.xml', 'loaded', 1],
        ['customer.xml', 'loaded', 0],
      ],
    );
    assert.deepEqual(await count(), before);
    const { rows: first } = await ods.query<{ up: string; amount: string }>(
      `SELECT usage_point_id::text AS up, amount::text FROM ods.bill ORDER BY bill_id LIMIT 1`,
    );
    const [{ amount }] = (await db.db.query(
      `SELECT bill_last_period::text AS amount FROM usage_summary WHERE usage_point_id = $1 ORDER BY billing_period_start LIMIT 1`,
      [portalIds.get(first[0].up)?.id],
    )) as { amount: string }[];
    assert.equal(amount, first[0].amount);
  });

  it(
    'an extracted usage feed with bills and tariff codes validates against espi.xsd',
    { skip: XMLLINT_MISSING },
    () => {
      const usage = readdirSync(join(inboxDir, 'loaded')).filter((f) => f.endsWith('-usage.xml'));
      const withBills = usage.filter((file) =>
        /<UsageSummary [^]*<tariffProfile>DEMO-TOU<\/tariffProfile>/.test(
          readFileSync(join(inboxDir, 'loaded', file), 'utf8'),
        ),
      );
      assert.ok(withBills.length > 0, 'a usage feed with bills');
      for (const file of usage) xmllintValidate(join(inboxDir, 'loaded', file), 'espi.xsd');
    },
  );
});
