import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { readDemoTariffs } from '../../src/ods/demo-tariffs';
import { seedDemoOds } from '../../src/ods/generator';
import { TariffPricer } from '../../src/tariffs/pricing';
import { createTestDatabase, type TestDatabase } from '../support/database';

// A year of the demo ODS for 8 customers (one with solar, two with gas, one on the flat block tariff): its reads
// against the tariff module's pricing, its bills against its own reads.
const SEED = { customers: 8, days: 365, end: new Date('2025-01-01T00:00:00Z') };

describe('demo ODS bills', { timeout: 300_000 }, () => {
  let odsDb: TestDatabase;
  let ods: Client;

  before(async () => {
    odsDb = await createTestDatabase('ods_bills');
    ods = new Client({ connectionString: odsDb.url });
    await ods.connect();
    await seedDemoOds(ods, SEED);
  });
  after(async () => {
    await ods?.end();
    await odsDb?.drop();
  });

  it('every usage point has 11 or 12 monthly bills on its tariff, back to back from its cycle day at local midnight', async () => {
    const { rows } = await ods.query<{
      up: string;
      kind: string;
      tariff: string;
      bills: number;
      gaps: number;
      off_cycle: number;
      tariffs: string[];
    }>(
      `SELECT u.usage_point_id::text AS up, u.kind, u.tariff, count(b.*)::int AS bills, array_agg(DISTINCT b.tariff) AS tariffs,
              count(*) FILTER (WHERE b.period_end <> b.next_start)::int AS gaps,
              count(*) FILTER (WHERE date_part('day', b.period_start AT TIME ZONE l.time_zone) <> a.billing_cycle::int
                                  OR (b.period_start AT TIME ZONE l.time_zone)::time <> '00:00') ::int AS off_cycle
         FROM ods.usage_point u JOIN ods.service_location l USING (location_id) JOIN ods.account a USING (account_id)
         JOIN (SELECT *, lead(period_start, 1, period_end) OVER (PARTITION BY usage_point_id ORDER BY period_start) AS next_start FROM ods.bill) b USING (usage_point_id)
        GROUP BY 1, 2, 3 ORDER BY 1`,
    );
    assert.equal(rows.length, (await ods.query('SELECT 1 FROM ods.usage_point')).rowCount);
    for (const r of rows) {
      assert.ok(r.bills >= 11 && r.bills <= 12, `${r.up}: ${r.bills} bills`);
      assert.equal(r.gaps, 0, `${r.up}: periods back to back`);
      assert.equal(r.off_cycle, 0, `${r.up}: periods start on the cycle day`);
      assert.deepEqual(r.tariffs, [r.tariff]);
      assert.equal(r.tariff === 'DEMO-GAS', r.kind === 'gas');
    }
    assert.deepEqual([...new Set(rows.map((r) => r.tariff))].sort(), ['DEMO-FLAT', 'DEMO-GAS', 'DEMO-TOU']);
  });

  it("every delivered read's cost is what the tariff module prices it at: time of use, blocks of the local month, gas", async () => {
    const tariffs = await readDemoTariffs();
    const { rows: channels } = await ods.query<{ channel: string; tariff: string; zone: string }>(
      `SELECT DISTINCT ON (u.tariff) c.channel_id::text AS channel, u.tariff, l.time_zone AS zone
         FROM ods.channel c JOIN ods.usage_point u USING (usage_point_id) JOIN ods.service_location l USING (location_id)
        WHERE c.flow_direction = 1 ORDER BY u.tariff, c.channel_id`,
    );
    assert.equal(channels.length, 3);
    for (const { channel, tariff, zone } of channels) {
      const { rows: reads } = await ods.query<{
        at: number;
        value: string;
        cost: string;
        window: string;
        month: number;
        hour: number;
        weekend: boolean;
      }>(
        `SELECT (extract(epoch FROM start) * 1000)::float8 AS at, value::text, cost::text, to_char(start AT TIME ZONE $2, 'YYYY-MM') AS window,
                date_part('month', start AT TIME ZONE $2)::int AS month, date_part('hour', start AT TIME ZONE $2)::int AS hour,
                date_part('isodow', start AT TIME ZONE $2) >= 6 AS weekend
           FROM ods.interval_read WHERE channel_id = $1 ORDER BY start`,
        [channel, zone],
      );
      // Wh and millitherms: a thousandth of the tariff's kWh and therm.
      const pricer = new TariffPricer(
        tariffs.filter((t) => t.code === tariff),
        -3,
      );
      const wrong = reads.filter((r) => pricer.price({ ...r, value: BigInt(r.value) }).cost !== BigInt(r.cost));
      assert.deepEqual(wrong.slice(0, 3), [], `${tariff}: ${wrong.length} of ${reads.length} reads priced otherwise`);
      assert.ok(reads.length > 8000, `${tariff}: a year of reads`);
    }
  });

  it("a bill's energy charge is the sum of its period's delivered interval costs; the amount is its line items' sum", async () => {
    const { rows } = await ods.query<{
      bill: string;
      energy: string;
      reads: string;
      amount: string;
      items: string;
      consumption: string;
      value: string;
    }>(
      `SELECT b.bill_id::text AS bill, e.amount::text AS energy, b.amount::text AS amount, b.consumption::text AS consumption,
              (SELECT sum(amount) FROM ods.bill_line_item WHERE bill_id = b.bill_id)::text AS items,
              (SELECT coalesce(sum(r.cost), 0) FROM ods.interval_read r JOIN ods.channel c USING (channel_id)
                WHERE c.usage_point_id = b.usage_point_id AND c.flow_direction = 1 AND r.start >= b.period_start AND r.start < b.period_end)::text AS reads,
              (SELECT coalesce(sum(r.value), 0) FROM ods.interval_read r JOIN ods.channel c USING (channel_id)
                WHERE c.usage_point_id = b.usage_point_id AND c.flow_direction = 1 AND r.start >= b.period_start AND r.start < b.period_end)::text AS value
         FROM ods.bill b JOIN ods.bill_line_item e ON e.bill_id = b.bill_id AND e.kind = 'energy'`,
    );
    assert.ok(rows.length > 0);
    for (const r of rows) {
      assert.equal(r.energy, r.reads, `bill ${r.bill}: energy charge`);
      assert.equal(r.consumption, r.value, `bill ${r.bill}: consumption`);
      assert.equal(r.amount, r.items, `bill ${r.bill}: amount`);
    }
  });

  it('line items: the fixed charge of the tariff, 5 % taxes, and an export credit for solar at the sell price', async () => {
    const { rows } = await ods.query<{
      tariff: string;
      kind: string;
      amount: string;
      unit_cost: string | null;
      quantity: string | null;
      base: string;
    }>(
      `SELECT b.tariff, i.kind, i.amount::text, i.unit_cost::text, i.quantity::text,
              (SELECT sum(amount) FROM ods.bill_line_item WHERE bill_id = b.bill_id AND kind <> 'tax')::text AS base
         FROM ods.bill b JOIN ods.bill_line_item i USING (bill_id)`,
    );
    const fixed = rows.filter((r) => r.kind === 'fixed');
    assert.deepEqual([...new Set(fixed.filter((r) => r.tariff === 'DEMO-TOU').map((r) => r.amount))], ['1000000']);
    assert.deepEqual([...new Set(fixed.filter((r) => r.tariff === 'DEMO-GAS').map((r) => r.amount))], ['800000']);
    assert.deepEqual([...new Set(fixed.filter((r) => r.tariff === 'DEMO-FLAT').map((r) => r.amount))], ['1200000']);
    for (const tax of rows.filter((r) => r.kind === 'tax'))
      assert.equal(tax.amount, String(Math.round(Number(tax.base) * 0.05)));
    const credits = rows.filter((r) => r.kind === 'credit');
    assert.ok(credits.length >= 11, 'the solar home has export credits');
    for (const c of credits) assert.equal(c.amount, String(-Number(c.quantity) * 8));
    assert.ok(credits.some((c) => Number(c.amount) < 0));
  });
});
