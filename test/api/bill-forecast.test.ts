import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { Role } from '../../src/auth/roles';
import { toGlobalId } from '../../src/services/access/global-id';
import type { BillForecastFigures } from '../../src/services/billing/bill-forecast.service';
import { InvalidInputError } from '../../src/services/errors';
import { ensureIntervalPartitions } from '../../src/services/partitions';
import { Resolution } from '../../src/services/usage/periods';
import { startApiSystem, type ApiSystem } from './support/api-system';
import { openApiDatabase, servicesFor, type ApiDatabase } from './support/database';
import { seedCustomer, seedMeterReading, seedReadingType, seedRollups, seedUsagePoint } from './support/seed';

// UsagePoint.billForecast on readings built so that the documented method gives figures computed here by hand:
// quarter-hours of a constant value per local weekday (and per stretch of dates), every Wh costing $0.00012.

const ZONE = 'America/New_York';

interface Household {
  customerId: string;
  usagePointId: string;
}

/** Local `date` `time` in ZONE, from PostgreSQL. */
async function local(db: DataSource, date: string, time = '00:00'): Promise<Date> {
  const [{ t }] = (await db.query(`SELECT ($1::timestamp) AT TIME ZONE $2 AS t`, [`${date} ${time}`, ZONE])) as {
    t: Date;
  }[];
  return t;
}

/**
 * A household whose quarter-hours over [from, to) hold `valueSql` Wh (an SQL expression of `d`, the local date, and
 * `dow`, its weekday, 0 = Sunday; null leaves the reading out), each costing 12 × 10^-5 $ per Wh; rolled up.
 */
async function seedPattern(db: DataSource, name: string, from: Date, to: Date, valueSql: string): Promise<Household> {
  const { customerId, accountId } = await seedCustomer(db, name);
  const usagePointId = await seedUsagePoint(db, accountId, ZONE);
  const meterReadingId = await seedMeterReading(db, usagePointId, await seedReadingType(db, 1));
  await ensureIntervalPartitions(db, from, to);
  await db.query(
    `INSERT INTO interval_reading (usage_point_id, meter_reading_id, start, duration, value, cost, quality)
     SELECT $1, $2, s, 900, x.v, x.v * 12, 0
     FROM generate_series($3::timestamptz, $4::timestamptz - interval '15 minutes', interval '15 minutes') AS s,
       LATERAL (SELECT (s AT TIME ZONE $5)::date AS d) l,
       LATERAL (SELECT extract(dow FROM l.d)::int AS dow) w,
       LATERAL (SELECT (${valueSql}) AS v FROM (SELECT l.d AS d, w.dow AS dow) p) x
     WHERE x.v IS NOT NULL`,
    [usagePointId, meterReadingId, from, to, ZONE],
  );
  await seedRollups(db, meterReadingId);
  return { customerId, usagePointId };
}

async function seedBill(db: DataSource, usagePointId: string, start: Date, days: number): Promise<void> {
  await db.query(
    `INSERT INTO usage_summary (usage_point_id, billing_period_start, billing_period_duration) VALUES ($1, $2, $3)`,
    [usagePointId, start, days * 86_400],
  );
}

describe('billForecast: the open cycle, usage so far, and the projection', { timeout: 300_000 }, () => {
  let db: ApiDatabase;
  let api: ApiSystem;
  let weekdays: Household;
  let billed: Household;
  let gappy: Household;

  before(async () => {
    db = await openApiDatabase('api_forecast');
    // Weekday w uses 0.96 × (w + 1) kWh a day, twice that in the week of May 14-20; data through Jun 11, 12:00.
    weekdays = await seedPattern(
      db.db,
      'Weekdays',
      await local(db.db, '2025-04-01'),
      await local(db.db, '2025-06-11', '12:00'),
      `10 * (dow + 1) * CASE WHEN d BETWEEN '2025-05-14' AND '2025-05-20' THEN 2 ELSE 1 END`,
    );
    // 0.96 kWh a day, except 1.44 over Jun 1-14, 2024; data through May 31, 2025; billed to May 15.
    billed = await seedPattern(
      db.db,
      'Billed',
      await local(db.db, '2024-04-01'),
      await local(db.db, '2025-06-01'),
      `CASE WHEN d >= '2024-06-01' AND d < '2024-06-15' THEN 15 ELSE 10 END`,
    );
    await seedBill(db.db, billed.usagePointId, await local(db.db, '2025-03-15'), 31);
    await seedBill(db.db, billed.usagePointId, await local(db.db, '2025-04-15'), 30);
    await seedBill(db.db, billed.usagePointId, await local(db.db, '2025-05-15'), 31);
    // 0.96 kWh a day from May 1 to Jun 10, 2025, but nothing over Jun 2-6.
    gappy = await seedPattern(
      db.db,
      'Gappy',
      await local(db.db, '2025-05-01'),
      await local(db.db, '2025-06-11'),
      `CASE WHEN d BETWEEN '2025-06-02' AND '2025-06-06' THEN NULL ELSE 10 END`,
    );
  });
  after(async () => {
    await api?.stop();
    await db?.close();
  });

  const forecast = (household: Household, asOf: Date) =>
    servicesFor(db.db).billForecasts.forecast(household.usagePointId, asOf) as Promise<BillForecastFigures>;

  /** soFar is exactly usage() over [periodStart, soFar.end). */
  async function assertSoFarIsUsage(household: Household, result: BillForecastFigures): Promise<void> {
    const usage = await servicesFor(db.db).usage.usage(household.usagePointId, {
      from: result.periodStart,
      to: result.soFar.end,
      resolution: Resolution.HOUR,
    });
    assert.deepEqual(
      [result.soFar.value, result.soFar.cost, result.soFar.readings, result.soFar.expected],
      [usage!.total, usage!.cost, usage!.readings, usage!.expected],
    );
  }

  it('without bills: the calendar month, the rest at the same-weekday averages, the range from the spread of days', async () => {
    const result = await forecast(weekdays, await local(db.db, '2025-06-11', '12:00'));
    assert.deepEqual(
      [result.periodStart, result.periodEnd, result.basis],
      [await local(db.db, '2025-06-01'), await local(db.db, '2025-07-01'), 'CALENDAR_MONTH'],
    );
    // Jun 1-7 (Sun-Sat) 0.96 × 28, Jun 8-10 (Sun-Tue) 0.96 × 6, the morning of Wed Jun 11 0.96 × 4 / 2.
    assert.deepEqual(result.soFar, {
      start: await local(db.db, '2025-06-01'),
      end: await local(db.db, '2025-06-11', '12:00'),
      value: '34.56',
      cost: '4.1472',
      readings: 10 * 96 + 48,
      expected: 10 * 96 + 48,
    });
    await assertSoFarIsUsage(weekdays, result);
    assert.equal(result.coverage, 1);
    // Four weeks May 14 - Jun 10, one of them doubled: each weekday averages 1.25 × its usual 0.96 × (w + 1) = 1.2 × (w
    // + 1). The rest: Wed afternoon 1.2 × 4 / 2, Thu-Sat 1.2 × 18, two weeks 1.2 × 56, Sun-Mon 1.2 × 3 = 94.8.
    // Days over their weekday average: 21 at 0.8, 7 at 1.6; 10th percentile 0.8, 90th 1.6.
    assert.deepEqual(result.projected, {
      value: '129.36',
      cost: '15.52',
      low: '110.4',
      high: '186.24',
      lowCost: '13.25',
      highCost: '22.35',
      lastYearFactor: null,
      basisDays: 28,
    });
    assert.deepEqual([result.status, result.reason, result.lastYear], ['PROJECTED', null, null]);
    assert.deepEqual([result.unit.unit, result.currency, result.timeZone], ['KWH', 'USD', ZONE]);

    // Asked later the same day, before the afternoon is delivered: the same cycle so far and projection.
    const later = await forecast(weekdays, await local(db.db, '2025-06-11', '18:00'));
    assert.deepEqual([later.soFar, later.projected], [result.soFar, result.projected]);
  });

  it('after a bill: monthly from the end of the latest bill ended by asOf, scaled by last year', async () => {
    const result = await forecast(billed, await local(db.db, '2025-06-01'));
    assert.deepEqual(
      [result.periodStart, result.periodEnd, result.basis],
      [await local(db.db, '2025-05-15'), await local(db.db, '2025-06-15'), 'LAST_BILL'],
    );
    assert.deepEqual([result.soFar.value, result.soFar.cost, result.coverage], ['16.32', '1.9584', 1]);
    await assertSoFarIsUsage(billed, result);
    // Last year Jun 1-14 used 1.44 a day against 0.96 in the four weeks before: the 14 remaining days at 0.96 × 1.5.
    assert.ok(Math.abs(result.projected!.lastYearFactor! - 1.5) < 1e-9, String(result.projected!.lastYearFactor));
    assert.deepEqual(
      { ...result.projected, lastYearFactor: 1.5 },
      {
        value: '36.48',
        cost: '4.38',
        low: '36.48',
        high: '36.48',
        lowCost: '4.38',
        highCost: '4.38',
        lastYearFactor: 1.5,
        basisDays: 28,
      },
    );
    // May 15 - Jun 14, 2024: 17 days at 0.96 and 14 at 1.44.
    assert.deepEqual(result.lastYear, {
      start: await local(db.db, '2024-05-15'),
      end: await local(db.db, '2024-06-15'),
      value: '36.48',
      cost: '4.3776',
      readings: 31 * 96,
      expected: 31 * 96,
    });
    // The day the cycle ends, the next one begins; and a day earlier, the cycle before it (the May 15 bill had not
    // ended).
    assert.deepEqual(
      (await forecast(billed, await local(db.db, '2025-05-15'))).periodStart,
      await local(db.db, '2025-05-15'),
    );
    assert.deepEqual(
      (await forecast(billed, await local(db.db, '2025-05-14'))).periodStart,
      await local(db.db, '2025-04-15'),
    );
  });

  it('with too little data it says why instead of guessing, and gives the usage so far', async () => {
    const none = await forecast(gappy, new Date('2025-04-10T12:00:00Z'));
    assert.deepEqual([none.status, none.projected, none.soFar.value, none.soFar.readings], ['NO_DATA', null, '0', 0]);
    assert.match(none.reason!, /no readings/);

    const fewDays = await forecast(gappy, await local(db.db, '2025-05-03'));
    assert.deepEqual(
      [fewDays.status, fewDays.projected, fewDays.soFar.value, fewDays.coverage],
      ['TOO_FEW_DAYS', null, '1.92', 1],
    );
    await assertSoFarIsUsage(gappy, fewDays);

    const gaps = await forecast(gappy, await local(db.db, '2025-06-11'));
    assert.deepEqual(
      [gaps.status, gaps.projected, gaps.coverage, gaps.soFar.readings],
      ['LOW_COVERAGE', null, 0.5, 5 * 96],
    );
    assert.match(gaps.reason!, /50\.0% of the expected readings/);

    const stale = await forecast(gappy, await local(db.db, '2025-06-20'));
    assert.deepEqual([stale.status, stale.soFar.end], ['STALE_DATA', await local(db.db, '2025-06-11')]);

    await assert.rejects(
      servicesFor(db.db).billForecasts.forecast(gappy.usagePointId, new Date(Date.now() + 3_600_000)),
      (error: unknown) => {
        assert.ok(error instanceof InvalidInputError);
        assert.equal(error.argument, 'asOf');
        return true;
      },
    );
  });

  it('over GraphQL: a CUSTOMER sees its own forecast and comparison only, OPS the figures, a future asOf is BAD_USER_INPUT', async () => {
    api = await startApiSystem({}, undefined, db.database);
    const query = (
      household: Household,
      asOf: string,
    ) => `{ usagePoint(id: "${toGlobalId('UsagePoint', household.usagePointId)}") { name
      billForecast(asOf: "${asOf}") { periodStart periodEnd basis status reason coverage unit currency soFar { end value cost } projected { value cost low high } lastYear { value cost } }
      usage(from: "2025-06-08T04:00:00Z", to: "2025-06-10T04:00:00Z", resolution: DAY, compareTo: PREVIOUS_PERIOD) {
        total compared { value } buckets { value compared { start value } change { value valuePercent } } } } }`;
    const own = await api.query(
      query(weekdays, '2025-06-11T16:00:00Z'),
      {},
      await api.token(Role.CUSTOMER, toGlobalId('Customer', weekdays.customerId)),
    );
    assert.equal(own.errors, undefined, JSON.stringify(own.errors));
    const point = (own.data as any).usagePoint; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(point.billForecast, {
      periodStart: '2025-06-01T04:00:00.000Z',
      periodEnd: '2025-07-01T04:00:00.000Z',
      basis: 'CALENDAR_MONTH',
      status: 'PROJECTED',
      reason: null,
      coverage: 1,
      unit: 'KWH',
      currency: 'USD',
      soFar: { end: '2025-06-11T16:00:00.000Z', value: '34.56', cost: '4.1472' },
      projected: { value: '129.36', cost: '15.52', low: '110.4', high: '186.24' },
      lastYear: null,
    });
    // Sun Jun 8 (0.96) and Mon Jun 9 (1.92) against Fri Jun 6 (5.76) and Sat Jun 7 (6.72).
    assert.deepEqual(point.usage, {
      total: '2.88',
      compared: { value: '12.48' },
      buckets: [
        {
          value: '0.96',
          compared: { start: '2025-06-06T04:00:00.000Z', value: '5.76' },
          change: { value: '-4.8', valuePercent: '-83.3' },
        },
        {
          value: '1.92',
          compared: { start: '2025-06-07T04:00:00.000Z', value: '6.72' },
          change: { value: '-4.8', valuePercent: '-71.4' },
        },
      ],
    });

    const other = await api.query(
      query(billed, '2025-06-01T04:00:00Z'),
      {},
      await api.token(Role.CUSTOMER, toGlobalId('Customer', weekdays.customerId)),
    );
    assert.deepEqual([other.errors, other.data], [undefined, { usagePoint: null }]);

    const ops = await api.query(query(billed, '2025-06-01T04:00:00Z'), {}, await api.token(Role.OPS));
    assert.equal(ops.errors, undefined, JSON.stringify(ops.errors));
    const opsPoint = (ops.data as any).usagePoint; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(
      [opsPoint.name, opsPoint.billForecast.basis, opsPoint.billForecast.projected.value],
      [null, 'LAST_BILL', '36.48'],
    );

    const future = await api.query(query(weekdays, '2099-01-01T00:00:00Z'), {}, await api.token(Role.CSR));
    assert.equal(future.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    assert.deepEqual(future.errors?.[0].extensions?.field, ['billForecast', 'asOf']);

    // compareTo prices the earlier series too.
    const cost = async (compareTo: string) =>
      (
        await api.query(
          `{ usagePoint(id: "${toGlobalId('UsagePoint', weekdays.usagePointId)}") { usage(from: "2025-05-01T04:00:00Z", to: "2025-06-01T04:00:00Z", resolution: DAY${compareTo}) { total } } }`,
          {},
          await api.token(Role.CSR),
        )
      ).extensions?.cost as { requested: number };
    assert.ok((await cost(', compareTo: PREVIOUS_YEAR')).requested > (await cost('')).requested + 31);
  });
});
