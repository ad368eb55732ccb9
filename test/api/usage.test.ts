import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { InvalidInputError } from '../../src/services/errors';
import { formatScaled } from '../../src/services/usage/decimal';
import type { UsageQuery } from '../../src/services/usage/usage-query';
import type { UsageSeries } from '../../src/services/usage/usage.service';
import { ZoneClock } from '../../src/services/usage/zone-clock';
import { Resolution } from '../../src/services/usage/periods';
import { FlowDirection } from '../../src/services/usage/reading-codes';
import { openApiDatabase, servicesFor, type ApiDatabase } from './support/database';
import { seedHousehold, seedMeterReading, seedReadings, seedReadingType, seedRollups } from './support/seed';

// Wh with multiplier 0, shown in kWh.
const kwh = (raw: string | bigint) => formatScaled(BigInt(raw), -3);

/** Sums per local date computed by PostgreSQL's own zone rules over readings starting in [from, to). */
async function sqlDays(db: DataSource, meterReadingId: string, zone: string, from: Date, to: Date) {
  const rows = (await db.query(
    `SELECT (start AT TIME ZONE $2)::date::text AS day, sum(value)::text AS value, sum(cost)::text AS cost, count(*)::int AS readings,
       (count(*) FILTER (WHERE quality <> 0))::int AS estimated
     FROM interval_reading WHERE meter_reading_id = $1 AND start >= $3 AND start < $4 GROUP BY 1 ORDER BY 1`,
    [meterReadingId, zone, from, to],
  )) as { day: string; value: string; cost: string; readings: number; estimated: number }[];
  return new Map(
    rows.map((row) => [
      row.day,
      {
        value: kwh(row.value),
        cost: formatScaled(BigInt(row.cost), -5),
        readings: row.readings,
        estimated: row.estimated,
      },
    ]),
  );
}

function bucketsByLocalDay(series: UsageSeries) {
  const clock = new ZoneClock(
    series.timeZone,
    series.buckets[0].start.getTime(),
    series.buckets[series.buckets.length - 1].end.getTime(),
  );
  return new Map(
    series.buckets
      .filter((bucket) => bucket.readings > 0)
      .map((bucket) => [
        clock.localDate(bucket.start.getTime()),
        { value: bucket.value, cost: bucket.cost, readings: bucket.readings, estimated: bucket.estimated },
      ]),
  );
}

/** Local midnight of `date` in `zone`, from PostgreSQL (independent of the API's zone code). */
async function localMidnight(db: DataSource, date: string, zone: string): Promise<Date> {
  const [{ t }] = (await db.query(`SELECT ($1::date)::timestamp AT TIME ZONE $2 AS t`, [date, zone])) as { t: Date }[];
  return t;
}

const ZONES = [
  // zone, spring-forward day, fall-back day (local dates, 2024)
  ['America/New_York', '2024-03-10', '2024-11-03'],
  ['Europe/Berlin', '2024-03-31', '2024-10-27'],
  ['Australia/Sydney', '2024-10-06', '2024-04-07'],
  ['Asia/Kolkata', null, null],
] as const;

describe('usage(): local buckets, exact sums, rollups and raw identical', { timeout: 300_000 }, () => {
  let api: ApiDatabase;
  const households = new Map<string, { usagePointId: string; meterReadingId: string }>();

  before(async () => {
    api = await openApiDatabase('api_usage');
    for (const [zone] of ZONES) {
      households.set(
        zone,
        await seedHousehold(
          api.db,
          `Household ${zone}`,
          zone,
          new Date('2023-12-30T00:00:00Z'),
          new Date('2025-01-02T00:00:00Z'),
          { seed: zone.length },
        ),
      );
    }
  });
  after(() => api.close());

  const usage = (usagePointId: string, query: UsageQuery, source: 'auto' | 'raw' = 'auto') =>
    servicesFor(api.db).usage.usage(usagePointId, query, source) as Promise<UsageSeries>;

  for (const [zone, spring, fall] of ZONES) {
    it(`${zone}: every local day and month of 2024 matches the readings, from rollups and from raw readings alike`, async () => {
      const { usagePointId, meterReadingId } = households.get(zone)!;
      const from = await localMidnight(api.db, '2024-01-01', zone);
      const to = await localMidnight(api.db, '2025-01-01', zone);
      const days = await usage(usagePointId, { from, to, resolution: Resolution.DAY });
      assert.equal(days.buckets.length, 366);
      assert.deepEqual(days, await usage(usagePointId, { from, to, resolution: Resolution.DAY }, 'raw'));
      assert.deepEqual(bucketsByLocalDay(days), await sqlDays(api.db, meterReadingId, zone, from, to));
      assert.equal(days.unit.unit, 'KWH');

      for (const resolution of [Resolution.WEEK, Resolution.MONTH, Resolution.YEAR]) {
        const auto = await usage(usagePointId, { from, to, resolution });
        assert.deepEqual(auto, await usage(usagePointId, { from, to, resolution }, 'raw'), resolution);
        assert.equal(auto.total, days.total, resolution);
        assert.equal(auto.cost, days.cost, resolution);
      }
      const months = await usage(usagePointId, { from, to, resolution: Resolution.MONTH });
      assert.equal(months.buckets.length, 12);
      assert.deepEqual(
        months.buckets.map((b) => b.start.getTime()),
        await Promise.all(
          Array.from({ length: 12 }, (_, m) =>
            localMidnight(api.db, `2024-${String(m + 1).padStart(2, '0')}-01`, zone).then((d) => d.getTime()),
          ),
        ),
      );

      if (spring && fall) {
        const day = (date: string) => days.buckets.find((b) => b.start.getTime() === bucketsStart.get(date));
        const bucketsStart = new Map<string, number>([
          [spring, (await localMidnight(api.db, spring, zone)).getTime()],
          [fall, (await localMidnight(api.db, fall, zone)).getTime()],
        ]);
        assert.deepEqual([day(spring)?.expected, day(spring)?.readings], [92, 92]);
        assert.deepEqual([day(fall)?.expected, day(fall)?.readings], [100, 100]);
        const hours = async (date: string, next: string) =>
          (
            await usage(usagePointId, {
              from: await localMidnight(api.db, date, zone),
              to: await localMidnight(api.db, next, zone),
              resolution: Resolution.HOUR,
            })
          ).buckets;
        const nextDay = (date: string) =>
          new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        assert.equal((await hours(spring, nextDay(spring))).length, 23);
        const fallHours = await hours(fall, nextDay(fall));
        assert.equal(fallHours.length, 25);
        assert.ok(fallHours.every((b) => b.expected === 4 && b.readings === 4));
      }
    });
  }

  it('serves ranges that start and end inside local days identically from rollups and readings, with exact totals', async () => {
    const { usagePointId, meterReadingId } = households.get('Europe/Berlin')!;
    const from = new Date('2024-03-09T18:22:00Z');
    const to = new Date('2024-05-02T11:45:00Z');
    for (const resolution of [Resolution.DAY, Resolution.WEEK, Resolution.MONTH, Resolution.YEAR]) {
      const auto = await usage(usagePointId, { from, to, resolution });
      assert.deepEqual(auto, await usage(usagePointId, { from, to, resolution }, 'raw'), resolution);
      const [{ value }] = (await api.db.query(
        `SELECT sum(value)::text AS value FROM interval_reading WHERE meter_reading_id = $1 AND start >= $2 AND start < $3`,
        [meterReadingId, from, to],
      )) as { value: string }[];
      assert.equal(auto.total, kwh(value), resolution);
      assert.equal(auto.buckets[0].start.getTime(), from.getTime());
      assert.equal(auto.buckets[auto.buckets.length - 1].end.getTime(), to.getTime());
    }
  });

  it('buckets in another zone given by timeZone (raw path), including one with a 45-minute offset', async () => {
    const { usagePointId, meterReadingId } = households.get('America/New_York')!;
    const from = new Date('2024-03-01T00:00:00Z');
    const to = new Date('2024-05-01T00:00:00Z');
    for (const timeZone of ['Pacific/Chatham', 'Asia/Kathmandu', 'UTC']) {
      const days = await usage(usagePointId, { from, to, resolution: Resolution.DAY, timeZone });
      assert.equal(days.timeZone, timeZone);
      assert.deepEqual(bucketsByLocalDay(days), await sqlDays(api.db, meterReadingId, timeZone, from, to), timeZone);
    }
  });

  it('INTERVAL buckets are the readings themselves', async () => {
    const { usagePointId, meterReadingId } = households.get('Asia/Kolkata')!;
    const from = new Date('2024-06-01T00:00:00Z');
    const to = new Date('2024-06-01T06:00:00Z');
    const series = await usage(usagePointId, { from, to, resolution: Resolution.INTERVAL });
    const rows = (await api.db.query(
      `SELECT value::text AS value FROM interval_reading WHERE meter_reading_id = $1 AND start >= $2 AND start < $3 ORDER BY start`,
      [meterReadingId, from, to],
    )) as { value: string }[];
    assert.deepEqual(
      series.buckets.map((b) => b.value),
      rows.map((r) => kwh(r.value)),
    );
    assert.equal(series.buckets[0].end.getTime() - series.buckets[0].start.getTime(), 900_000);
  });

  it('rejects unknown zones, reversed ranges and ranges too large for the resolution as INVALID_INPUT naming the argument', async () => {
    const { usagePointId } = households.get('Europe/Berlin')!;
    const expectInput = async (query: UsageQuery, argument: string, message: RegExp) =>
      assert.rejects(usage(usagePointId, query), (error: Error) => {
        assert.ok(error instanceof InvalidInputError, String(error));
        assert.equal(error.code, 'INVALID_INPUT');
        assert.equal(error.argument, argument);
        assert.match(error.message, message);
        return true;
      });
    const from = new Date('2024-01-01T00:00:00Z');
    await expectInput(
      { from, to: new Date('2024-02-01T00:00:00Z'), resolution: Resolution.DAY, timeZone: 'Mars/Olympus_Mons' },
      'timeZone',
      /unknown time zone/,
    );
    await expectInput({ from, to: new Date('2023-12-01T00:00:00Z'), resolution: Resolution.DAY }, 'from', /before/);
    await expectInput(
      { from, to: new Date('2025-01-01T00:00:00Z'), resolution: Resolution.INTERVAL },
      'to',
      /too large/,
    );
    await expectInput({ from, to: new Date('2054-01-01T00:00:00Z'), resolution: Resolution.DAY }, 'to', /too large/);
  });
});

describe('completeness(), intervals() and net metering', { timeout: 120_000 }, () => {
  let api: ApiDatabase;
  let household: { usagePointId: string; meterReadingId: string };
  let receivedId: string;

  before(async () => {
    api = await openApiDatabase('api_completeness');
    // Two hours missing on the local spring-forward day in New York.
    household = await seedHousehold(
      api.db,
      'Gappy',
      'America/New_York',
      new Date('2024-03-08T05:00:00Z'),
      new Date('2024-03-12T04:00:00Z'),
      {
        gaps: [[new Date('2024-03-10T15:00:00Z'), new Date('2024-03-10T17:00:00Z')]],
      },
    );
    receivedId = await seedMeterReading(api.db, household.usagePointId, await seedReadingType(api.db, 19));
    await seedReadings(
      api.db,
      { usagePointId: household.usagePointId, meterReadingId: receivedId },
      new Date('2024-03-08T05:00:00Z'),
      new Date('2024-03-12T04:00:00Z'),
      { seed: 99 },
    );
    await seedRollups(api.db, receivedId);
  });
  after(() => api.close());

  it('counts expected, received and estimated intervals per local day, DST-aware, with data-through', async () => {
    const result = await servicesFor(api.db).usage.completeness(household.usagePointId, {
      from: new Date('2024-03-08T05:00:00Z'),
      to: new Date('2024-03-12T04:00:00Z'),
    });
    assert.ok(result);
    const clock = new ZoneClock('America/New_York', Date.parse('2024-03-01'), Date.parse('2024-04-01'));
    const days = result.days.buckets.map((b) => ({
      date: clock.localDate(b.start.getTime()),
      expected: b.expected,
      received: b.readings,
    }));
    assert.deepEqual(days, [
      { date: '2024-03-08', expected: 96, received: 96 },
      { date: '2024-03-09', expected: 96, received: 96 },
      { date: '2024-03-10', expected: 92, received: 84 },
      { date: '2024-03-11', expected: 96, received: 96 },
    ]);
    assert.equal(result.dataThrough?.toISOString(), '2024-03-12T04:00:00.000Z');
    const [{ estimated }] = (await api.db.query(
      `SELECT count(*)::int AS estimated FROM interval_reading WHERE meter_reading_id = $1 AND quality <> 0`,
      [household.meterReadingId],
    )) as { estimated: number }[];
    assert.ok(estimated > 0);
    assert.equal(result.days.estimated, estimated);
  });

  it('pages raw readings by keyset cursor without gaps or repeats', async () => {
    const services = servicesFor(api.db);
    const range = { from: new Date('2024-03-09T05:00:00Z'), to: new Date('2024-03-10T05:00:00Z') };
    const first = await services.usage.intervals(household.usagePointId, { ...range, first: 50 });
    assert.ok(first?.page.hasNextPage);
    const second = await services.usage.intervals(household.usagePointId, {
      ...range,
      first: 50,
      after: first.page.cursors[49],
    });
    assert.equal(second?.page.hasNextPage, false);
    const starts = [...first.page.items, ...second!.page.items].map((r) => r.start.getTime());
    assert.equal(starts.length, 96);
    assert.ok(starts.every((t, i) => i === 0 || t - starts[i - 1] === 900_000));
  });

  it('keeps delivered and received series apart and derives no net series', async () => {
    const services = servicesFor(api.db);
    const query = {
      from: new Date('2024-03-09T05:00:00Z'),
      to: new Date('2024-03-11T04:00:00Z'),
      resolution: Resolution.DAY,
    };
    const delivered = await services.usage.usage(household.usagePointId, {
      ...query,
      direction: FlowDirection.DELIVERED,
    });
    const received = await services.usage.usage(household.usagePointId, {
      ...query,
      direction: FlowDirection.RECEIVED,
    });
    assert.equal(delivered?.series.meterReading.id, household.meterReadingId);
    assert.equal(received?.series.meterReading.id, receivedId);
    const [{ value }] = (await api.db.query(
      `SELECT sum(value)::text AS value FROM interval_reading WHERE meter_reading_id = $1 AND start >= $2 AND start < $3`,
      [receivedId, query.from, query.to],
    )) as { value: string }[];
    assert.equal(received?.total, kwh(value));
    assert.equal(await services.usage.usage(household.usagePointId, { ...query, direction: FlowDirection.NET }), null);
  });
});
