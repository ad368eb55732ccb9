import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { Role } from '../../src/auth/roles';
import { createLogger } from '../../src/logger';
import { seedDemoOds } from '../../src/ods/generator';
import { toGlobalId } from '../../src/services/access/global-id';
import { loadTariffFiles } from '../../src/services/tariffs/tariff-files';
import { Resolution } from '../../src/services/usage/periods';
import { runExtract } from '../support/extract';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startApiSystem, type ApiSystem } from './support/api-system';
import { openApiDatabase, servicesFor, type ApiDatabase } from './support/database';

// The demo ODS prices electricity by its DEMO-TOU tariff (on peak weekdays 16–21 local); ten days across the end of
// daylight time on 3 November 2024, extracted and loaded, then split and re-priced through the tariff the portal loaded
// from tariffs/demo-tou.json. Every expected figure is computed here in SQL from the stored readings, independently of
// the services.

const TARIFFS = join(__dirname, '../../../tariffs');
const FROM = '2024-10-29';
const TO = '2024-11-08';

interface Point {
  id: string;
  zone: string;
  customer: string;
}

describe('tariffs: usage by rate period and rate comparison over the demo ODS', { timeout: 600_000 }, () => {
  let api: ApiDatabase;
  let odsDb: TestDatabase;
  let point: Point;
  let range: { from: Date; to: Date };

  before(async () => {
    api = await openApiDatabase('api_tariffs');
    odsDb = await createTestDatabase('api_tariffs_ods');
    const ods = new Client({ connectionString: odsDb.url });
    await ods.connect();
    await seedDemoOds(ods, { customers: 12, days: 10, end: new Date(`${TO}T00:00:00Z`) });
    await ods.end();
    await runExtract(api.db, {
      odsUrl: odsDb.url,
      outboxDir: mkdtempSync(join(tmpdir(), 'tariffs-outbox-')),
      inboxDir: mkdtempSync(join(tmpdir(), 'tariffs-inbox-')),
      logger: createLogger('silent'),
    });
    const outcomes = await loadTariffFiles(api.db, [TARIFFS]);
    assert.deepEqual(
      outcomes.map((o) => o.error),
      [null, null, null],
    );
    [point] = (await api.db.query(
      `SELECT u.id::text AS id, u.time_zone AS zone, a.customer_id::text AS customer
         FROM usage_point u JOIN customer_account a ON a.id = u.customer_account_id
        WHERE u.tariff_profile = 'DEMO-TOU' AND u.time_zone = 'America/New_York' ORDER BY u.id LIMIT 1`,
    )) as Point[];
    assert.ok(point, 'a New York usage point on DEMO-TOU (named by the ODS, through the extract) in the demo data');
    [range] = (await api.db.query(`SELECT $1::timestamp AT TIME ZONE $3 AS from, $2::timestamp AT TIME ZONE $3 AS to`, [
      FROM,
      TO,
      point.zone,
    ])) as { from: Date; to: Date }[];
  });
  after(async () => {
    await odsDb?.drop();
    await api?.close();
  });

  /** Per local day: on-peak value and cost of the delivered series, the demo tariff's hours, in SQL. */
  async function onPeakByDay(): Promise<Map<string, { value: string; cost: string }>> {
    const rows = (await api.db.query(
      `SELECT to_char(r.start AT TIME ZONE $2, 'YYYY-MM-DD') AS day, (sum(r.value) / 1000.0)::text AS value, (sum(r.cost) / 100000.0)::text AS cost
         FROM interval_reading r JOIN meter_reading m ON m.id = r.meter_reading_id JOIN reading_type t ON t.id = m.reading_type_id
        WHERE r.usage_point_id = $1 AND t.flow_direction = 1 AND r.start >= $3 AND r.start < $4
          AND extract(isodow FROM r.start AT TIME ZONE $2) < 6 AND extract(hour FROM r.start AT TIME ZONE $2) BETWEEN 16 AND 20
        GROUP BY 1`,
      [point.id, point.zone, range.from, range.to],
    )) as { day: string; value: string; cost: string }[];
    return new Map(rows.map((r) => [r.day, { value: r.value, cost: r.cost }]));
  }

  const decimal = (text: string) => Number(text);

  it('DAY buckets split by rate period: ON_PEAK is exactly the 16–21 local weekday readings, across the DST change, and the periods add up', async () => {
    const services = servicesFor(api.db, {
      subject: 'c',
      role: Role.CUSTOMER,
      customerId: toGlobalId('Customer', point.customer),
    });
    const usage = await services.usage.usage(point.id, { ...range, resolution: Resolution.DAY });
    assert.ok(usage);
    const split = await services.tariffPricing.ratePeriodsOf(usage, 'DAY');
    assert.ok(split);
    const expected = await onPeakByDay();
    assert.ok(expected.has('2024-11-01') && expected.has('2024-11-04'), 'weekdays on both sides of the change');
    usage.buckets.forEach((bucket, i) => {
      const day = bucket.start.toISOString();
      const periods = split[i];
      assert.deepEqual(
        periods.map((p) => p.name),
        ['OFF_PEAK', 'ON_PEAK'],
        day,
      );
      const sum = periods.reduce((total, p) => total + BigInt(Math.round(decimal(p.value) * 1000)), 0n);
      assert.equal(sum, BigInt(Math.round(decimal(bucket.value) * 1000)), `periods add up on ${day}`);
      const local = new Date(bucket.start.getTime() + 12 * 3600_000).toISOString().slice(0, 10);
      const onPeak = periods[1];
      const want = expected.get(local);
      assert.equal(decimal(onPeak.value), want ? decimal(want.value) : 0, `ON_PEAK value on ${local}`);
      assert.equal(decimal(onPeak.cost ?? '0'), want ? decimal(want.cost) : 0, `ON_PEAK cost on ${local}`);
      // The demo ODS priced on-peak readings at 0.28/kWh by its own local clock: the same hours, to the unit.
      assert.equal(
        Math.round(decimal(onPeak.cost ?? '0') * 100000),
        Math.round(decimal(onPeak.value) * 28000),
        `ON_PEAK priced at 0.28 on ${local}`,
      );
    });
  });

  it('rate comparison: the current tariff re-prices the stored costs exactly; the flat tariff matches its own arithmetic', async () => {
    const services = servicesFor(api.db);
    const [flat] = (await api.db.query(`SELECT id::text FROM tariff WHERE code = 'DEMO-FLAT'`)) as { id: string }[];
    const costs = await services.tariffPricing.compare(point.id, {
      ...range,
      tariffs: [toGlobalId('Tariff', flat.id)],
    });
    assert.ok(costs);
    const [tou, flatCost] = costs;
    assert.equal(tou.tariff.code, 'DEMO-TOU');
    assert.ok(tou.current && !flatCost.current);
    assert.equal(tou.energyCost, tou.storedCost, 'the tariff that priced the readings gives their stored costs');
    const [{ kwh, readings }] = (await api.db.query(
      `SELECT (sum(r.value) / 1000.0)::text AS kwh, count(*)::int AS readings
         FROM interval_reading r JOIN meter_reading m ON m.id = r.meter_reading_id JOIN reading_type t ON t.id = m.reading_type_id
        WHERE r.usage_point_id = $1 AND t.flow_direction = 1 AND r.start >= $2 AND r.start < $3`,
      [point.id, range.from, range.to],
    )) as { kwh: string; readings: number }[];
    assert.equal(flatCost.readings, readings);
    assert.ok(decimal(kwh) < 500, 'ten days stay in the first block');
    assert.equal(Math.round(decimal(flatCost.energyCost) * 100000), Math.round(decimal(kwh) * 15000));
    // Three days of October (31 days) and seven of November (30) at 12/month; TOU at 10/month.
    const proRata = (monthly: number) =>
      Math.round(((monthly * 3) / 31) * 100000) + Math.round(((monthly * 7) / 30) * 100000);
    assert.equal(Math.round(decimal(flatCost.fixedCost) * 100000), proRata(12));
    assert.equal(Math.round(decimal(tou.fixedCost) * 100000), proRata(10));
    assert.equal(costs.filter((c) => c.cheapest).length, 1);
    const cheapest = decimal(tou.cost) <= decimal(flatCost.cost) ? tou : flatCost;
    assert.ok(cheapest.cheapest);
  });

  it('a usage point on the tiered flat tariff: re-priced under its own tariff, its stored costs to the unit', async () => {
    const [flat] = (await api.db.query(
      `SELECT id::text FROM usage_point WHERE tariff_profile = 'DEMO-FLAT' ORDER BY id LIMIT 1`,
    )) as { id: string }[];
    assert.ok(flat, 'the demo ODS puts some homes on DEMO-FLAT');
    const [own] = (await servicesFor(api.db).tariffPricing.compare(flat.id, { ...range, tariffs: [] })) ?? [];
    assert.equal(own.tariff.code, 'DEMO-FLAT');
    assert.ok(own.current);
    assert.equal(own.energyCost, own.storedCost);
  });

  it('refuses what cannot be priced, naming the argument', async () => {
    const services = servicesFor(api.db);
    const [gas] = (await api.db.query(`SELECT id::text FROM tariff WHERE code = 'DEMO-GAS'`)) as { id: string }[];
    await assert.rejects(
      services.tariffPricing.compare(point.id, { ...range, tariffs: [toGlobalId('Tariff', gas.id)] }),
      { argument: 'tariffs', message: /prices therm/ },
    );
    await assert.rejects(
      services.tariffPricing.compare(point.id, { ...range, tariffs: [toGlobalId('Tariff', '999')] }),
      { argument: 'tariffs' },
    );
    await assert.rejects(
      services.tariffPricing.compare(point.id, {
        from: range.from,
        to: new Date(range.from.getTime() + 401 * 86_400_000),
        tariffs: [],
      }),
      { argument: 'to' },
    );
  });

  it('loading the same files again changes nothing; a bad file is refused whole, naming the field', async () => {
    const before = (await api.db.query(`SELECT label, loaded_at FROM tariff_version ORDER BY label`)) as unknown[];
    await loadTariffFiles(api.db, [TARIFFS]);
    assert.deepEqual(await api.db.query(`SELECT label, loaded_at FROM tariff_version ORDER BY label`), before);
    const dir = mkdtempSync(join(tmpdir(), 'tariffs-bad-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        items: [
          {
            label: 'ok-1',
            name: 'OK',
            energyratestructure: [[{ rate: 0.1 }]],
            energyweekdayschedule: [],
            energyweekendschedule: [],
          },
        ],
      }),
    );
    const [outcome] = await loadTariffFiles(api.db, [bad]);
    assert.match(outcome.error ?? '', /energyweekdayschedule/);
    assert.deepEqual(await api.db.query(`SELECT 1 FROM tariff WHERE code = 'OK'`), []);
  });

  describe('over GraphQL', () => {
    let system: ApiSystem;
    before(async () => {
      system = await startApiSystem({}, createLogger('warn'), api.database);
    });
    after(async () => system?.stop());

    it('UsagePoint.tariff, usage(byRatePeriod), rateComparison and tariffs answer a customer; another customer sees none of it', async () => {
      const query = `query($id: ID!, $from: DateTime!, $to: DateTime!) {
        usagePoint(id: $id) {
          tariff { code name periods { name rates { upTo rate } hours { months dayType from to } } fixedMonthlyCharge }
          usage(from: $from, to: $to, resolution: MONTH, byRatePeriod: true) { buckets { value ratePeriods { name value cost } } }
          plain: usage(from: $from, to: $to, resolution: MONTH) { buckets { ratePeriods { name } } }
          rateComparison(from: $from, to: $to) { tariff { code } cost cheapest current }
          billForecast(asOf: "2024-11-06T12:00:00Z") { fixedCharges }
        }
        tariffs { code }
      }`;
      const variables = {
        id: toGlobalId('UsagePoint', point.id),
        from: range.from.toISOString(),
        to: range.to.toISOString(),
      };
      const own = await system.query(
        query,
        variables,
        await system.token(Role.CUSTOMER, toGlobalId('Customer', point.customer)),
      );
      assert.equal(own.errors, undefined, JSON.stringify(own.errors));
      const up = own.data?.usagePoint as {
        tariff: { code: string; periods: { hours: unknown; rates: unknown }[] };
        usage: { buckets: { ratePeriods: { name: string }[] }[] };
        plain: { buckets: { ratePeriods: null }[] };
        rateComparison: { tariff: { code: string }; current: boolean; cheapest: boolean }[];
        billForecast: { fixedCharges: string };
      };
      assert.equal(up.tariff.code, 'DEMO-TOU');
      assert.deepEqual(up.tariff.periods[1].hours, [
        { months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], dayType: 'WEEKDAY', from: 16, to: 21 },
      ]);
      assert.deepEqual(up.tariff.periods[1].rates, [{ upTo: null, rate: '0.28' }]);
      assert.equal(up.usage.buckets.length, 2);
      assert.deepEqual(
        up.usage.buckets[0].ratePeriods.map((p) => p.name),
        ['OFF_PEAK', 'ON_PEAK'],
      );
      assert.equal(up.plain.buckets[0].ratePeriods, null);
      assert.deepEqual(
        up.rateComparison.map((c) => [c.tariff.code, c.current, c.cheapest]),
        [['DEMO-TOU', true, true]],
      );
      assert.deepEqual(
        (own.data?.tariffs as { code: string }[]).map((t) => t.code),
        ['DEMO-FLAT', 'DEMO-GAS', 'DEMO-TOU'],
      );
      assert.equal(up.billForecast.fixedCharges, '10', "one cycle's customer charge of DEMO-TOU");

      const [other] = (await api.db.query(
        `SELECT customer_id::text AS id FROM customer_account WHERE customer_id <> $1 LIMIT 1`,
        [point.customer],
      )) as { id: string }[];
      const stranger = await system.query(
        query,
        variables,
        await system.token(Role.CUSTOMER, toGlobalId('Customer', other.id)),
      );
      assert.equal((stranger.data as { usagePoint: unknown }).usagePoint, null);
    });
  });
});
