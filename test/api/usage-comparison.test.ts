import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import type { CompareTo } from '../../src/services/usage/compare-period';
import { formatScaled } from '../../src/services/usage/decimal';
import { decimalDifference, percentChange } from '../../src/services/usage/decimal-change';
import type { ComparedBucket, ComparedSeries } from '../../src/services/usage/usage-comparison';
import type { UsageQuery } from '../../src/services/usage/usage-query';
import type { UsageSeries } from '../../src/services/usage/usage.service';
import { Resolution } from '../../src/services/usage/periods';
import { openApiDatabase, servicesFor, type ApiDatabase } from './support/database';
import { seedHousehold } from './support/seed';

// usage(compareTo): each bucket beside the earlier range compare-period.ts defines, with the edges checked against
// PostgreSQL's zone rules and the figures against an independent usage() call on that range and the readings' sums.

const ZONE = 'America/New_York';

/** Local `date` and `time` in ZONE, from PostgreSQL (independent of the API's zone code). */
async function local(db: DataSource, date: string, time = '00:00'): Promise<Date> {
  const [{ t }] = (await db.query(`SELECT ($1::timestamp) AT TIME ZONE $2 AS t`, [`${date} ${time}`, ZONE])) as {
    t: Date;
  }[];
  return t;
}

describe('usage(compareTo): the earlier buckets and the change', { timeout: 300_000 }, () => {
  let api: ApiDatabase;
  let usagePointId: string;
  let meterReadingId: string;

  before(async () => {
    api = await openApiDatabase('api_compare');
    ({ usagePointId, meterReadingId } = await seedHousehold(
      api.db,
      'Comparer',
      ZONE,
      new Date('2022-12-01T00:00:00Z'),
      new Date('2025-04-02T00:00:00Z'),
      { seed: 5 },
    ));
  });
  after(() => api.close());

  const usage = (query: UsageQuery) => servicesFor(api.db).usage.usage(usagePointId, query) as Promise<UsageSeries>;
  const compare = (query: UsageQuery, compareTo: CompareTo) =>
    servicesFor(api.db).usageComparison.compare(usagePointId, query, compareTo) as Promise<ComparedSeries>;

  /** Raw Wh of the readings starting in [from, to), from SQL. */
  async function rawSum(from: Date, to: Date): Promise<bigint> {
    const [{ value }] = (await api.db.query(
      `SELECT coalesce(sum(value), 0)::text AS value FROM interval_reading WHERE meter_reading_id = $1 AND start >= $2 AND start < $3`,
      [meterReadingId, from, to],
    )) as { value: string }[];
    return BigInt(value);
  }

  /** The compared figures are what a separate usage() call over the compared range answers, and the change is exact. */
  async function assertFigures(
    bucket: Pick<ComparedBucket, 'value' | 'cost' | 'compared' | 'change'>,
    resolution: UsageQuery['resolution'],
  ): Promise<void> {
    const { compared, change } = bucket;
    const alone = await usage({ from: compared.start, to: compared.end, resolution });
    assert.deepEqual(
      { value: compared.value, cost: compared.cost, readings: compared.readings, expected: compared.expected },
      { value: alone.total, cost: alone.cost, readings: alone.readings, expected: alone.expected },
    );
    assert.equal(compared.value, formatScaled(await rawSum(compared.start, compared.end), -3));
    assert.equal(change.value, decimalDifference(bucket.value, compared.value));
    assert.equal(change.cost, decimalDifference(bucket.cost!, compared.cost!));
    const percent = (100 * (Number(bucket.value) - Number(compared.value))) / Math.abs(Number(compared.value));
    assert.ok(Math.abs(Number(change.valuePercent) - percent) <= 0.05, `${change.valuePercent} vs ${percent}`);
  }

  it('PREVIOUS_YEAR across a DST change: each local day with the same date a year earlier, 23-hour days with 24-hour ones', async () => {
    // 2025 springs forward on Mar 9, 2024 on Mar 10.
    const series = await compare(
      { from: await local(api.db, '2025-03-07'), to: await local(api.db, '2025-03-12'), resolution: Resolution.DAY },
      'PREVIOUS_YEAR',
    );
    assert.equal(series.buckets.length, 5);
    const dates = ['2024-03-07', '2024-03-08', '2024-03-09', '2024-03-10', '2024-03-11', '2024-03-12'];
    for (const [i, bucket] of series.buckets.entries()) {
      assert.deepEqual(
        [bucket.compared.start, bucket.compared.end],
        [await local(api.db, dates[i]), await local(api.db, dates[i + 1])],
        dates[i],
      );
      await assertFigures(bucket, Resolution.DAY);
    }
    assert.deepEqual(
      series.buckets.map((b) => [b.expected, b.compared.expected]),
      [
        [96, 96],
        [96, 96],
        [92, 96],
        [96, 92],
        [96, 96],
      ],
    );
    assert.deepEqual(
      [series.compared.start, series.compared.end],
      [await local(api.db, '2024-03-07'), await local(api.db, '2024-03-12')],
    );
    await assertFigures(
      { value: series.total, cost: series.cost, compared: series.compared, change: series.change },
      Resolution.DAY,
    );
  });

  it('PREVIOUS_YEAR for WEEK buckets: the same dates, which are not ISO weeks a year earlier', async () => {
    const weeks = await compare(
      { from: await local(api.db, '2025-03-03'), to: await local(api.db, '2025-03-17'), resolution: Resolution.WEEK },
      'PREVIOUS_YEAR',
    );
    assert.deepEqual(
      weeks.buckets.map((b) => [b.compared.start, b.compared.end, b.compared.expected]),
      [
        [await local(api.db, '2024-03-03'), await local(api.db, '2024-03-10'), 7 * 96],
        [await local(api.db, '2024-03-10'), await local(api.db, '2024-03-17'), 7 * 96 - 4],
      ],
    );
    for (const bucket of weeks.buckets) await assertFigures(bucket, Resolution.WEEK);
  });

  it('PREVIOUS_YEAR in hours: the hour before a jump with the same clock hour, an hour missing a year earlier with nothing', async () => {
    const springs = await compare(
      { from: await local(api.db, '2025-03-09'), to: await local(api.db, '2025-03-10'), resolution: Resolution.HOUR },
      'PREVIOUS_YEAR',
    );
    assert.equal(springs.buckets.length, 23);
    // The bucket from 01:00 to the jump to 03:00 showed the clock times 01:00-02:00 only.
    const jump = springs.buckets[1];
    assert.deepEqual(
      [jump.compared.start, jump.compared.end, jump.compared.readings],
      [await local(api.db, '2024-03-09', '01:00'), await local(api.db, '2024-03-09', '02:00'), 4],
    );
    assert.deepEqual(springs.buckets[2].compared.start, await local(api.db, '2024-03-09', '03:00'));
    for (const bucket of springs.buckets) await assertFigures(bucket, Resolution.HOUR);

    const lands = await compare(
      { from: await local(api.db, '2025-03-10'), to: await local(api.db, '2025-03-11'), resolution: Resolution.HOUR },
      'PREVIOUS_YEAR',
    );
    assert.equal(lands.buckets.length, 24);
    const gap = lands.buckets[2];
    const transition = await local(api.db, '2024-03-10', '03:00');
    assert.deepEqual(
      [gap.compared.start, gap.compared.end, gap.compared.value, gap.compared.readings],
      [transition, transition, '0', 0],
    );
    assert.equal(gap.change.value, gap.value);
    assert.equal(gap.change.valuePercent, null);
  });

  it('PREVIOUS_YEAR across Feb 29: the leap day and the day before it with Feb 28, Februaries whole', async () => {
    const leap = await compare(
      { from: await local(api.db, '2024-02-27'), to: await local(api.db, '2024-03-02'), resolution: Resolution.DAY },
      'PREVIOUS_YEAR',
    );
    const expected = [
      ['2023-02-27', '2023-02-28'],
      ['2023-02-28', '2023-03-01'],
      ['2023-02-28', '2023-03-01'],
      ['2023-03-01', '2023-03-02'],
    ];
    for (const [i, bucket] of leap.buckets.entries()) {
      assert.deepEqual(
        [bucket.compared.start, bucket.compared.end],
        [await local(api.db, expected[i][0]), await local(api.db, expected[i][1])],
        `bucket ${i}`,
      );
      await assertFigures(bucket, Resolution.DAY);
    }
    // The whole range is the same dates a year earlier, so Feb 28, 2023 counts once there.
    assert.deepEqual(
      [leap.compared.start, leap.compared.end],
      [await local(api.db, '2023-02-27'), await local(api.db, '2023-03-02')],
    );

    const februaries = await compare(
      { from: await local(api.db, '2024-02-01'), to: await local(api.db, '2025-03-01'), resolution: Resolution.MONTH },
      'PREVIOUS_YEAR',
    );
    const [feb2024] = februaries.buckets;
    const feb2025 = februaries.buckets[12];
    assert.deepEqual(
      [feb2024.compared.start, feb2024.compared.end, feb2024.expected, feb2024.compared.expected],
      [await local(api.db, '2023-02-01'), await local(api.db, '2023-03-01'), 29 * 96, 28 * 96],
    );
    assert.deepEqual(
      [feb2025.compared.start, feb2025.compared.end, feb2025.expected, feb2025.compared.expected],
      [await local(api.db, '2024-02-01'), await local(api.db, '2024-03-01'), 28 * 96, 29 * 96],
    );
    for (const bucket of [feb2024, feb2025]) await assertFigures(bucket, Resolution.MONTH);

    const [feb28] = (
      await compare(
        { from: await local(api.db, '2025-02-28'), to: await local(api.db, '2025-03-01'), resolution: Resolution.DAY },
        'PREVIOUS_YEAR',
      )
    ).buckets;
    assert.deepEqual(
      [feb28.compared.start, feb28.compared.end],
      [await local(api.db, '2024-02-28'), await local(api.db, '2024-02-29')],
    );
  });

  it('PREVIOUS_PERIOD for DAY buckets: the week before, day by day, across the fall-back day', async () => {
    const week = await compare(
      { from: await local(api.db, '2024-11-04'), to: await local(api.db, '2024-11-11'), resolution: Resolution.DAY },
      'PREVIOUS_PERIOD',
    );
    assert.equal(week.buckets.length, 7);
    for (const [i, bucket] of week.buckets.entries()) {
      const date = `2024-${i < 4 ? '10' : '11'}-${String(i < 4 ? 28 + i : i - 3).padStart(2, '0')}`;
      assert.deepEqual(bucket.compared.start, await local(api.db, date), date);
      await assertFigures(bucket, Resolution.DAY);
    }
    assert.equal(week.buckets[6].compared.expected, 100);
    assert.deepEqual(
      [week.compared.start, week.compared.end],
      [await local(api.db, '2024-10-28'), await local(api.db, '2024-11-04')],
    );
    const before = await usage({ from: week.compared.start, to: week.compared.end, resolution: Resolution.DAY });
    assert.deepEqual(
      week.buckets.map((b) => [b.compared.start, b.compared.end, b.compared.value, b.compared.cost]),
      before.buckets.map((b) => [b.start, b.end, b.value, b.cost]),
    );
    assert.equal(week.compared.value, before.total);
  });

  it('PREVIOUS_PERIOD for MONTH buckets: as many calendar months earlier, month by month', async () => {
    const quarter = await compare(
      { from: await local(api.db, '2024-01-01'), to: await local(api.db, '2024-04-01'), resolution: Resolution.MONTH },
      'PREVIOUS_PERIOD',
    );
    const before = await usage({
      from: await local(api.db, '2023-10-01'),
      to: await local(api.db, '2024-01-01'),
      resolution: Resolution.MONTH,
    });
    assert.deepEqual(
      quarter.buckets.map((b) => [
        b.compared.start,
        b.compared.end,
        b.compared.value,
        b.compared.cost,
        b.compared.readings,
      ]),
      before.buckets.map((b) => [b.start, b.end, b.value, b.cost, b.readings]),
    );
    for (const bucket of quarter.buckets) await assertFigures(bucket, Resolution.MONTH);
    // A range that starts and ends inside months: each part with the same days three months earlier.
    const clipped = await compare(
      { from: await local(api.db, '2024-01-15'), to: await local(api.db, '2024-03-10'), resolution: Resolution.MONTH },
      'PREVIOUS_PERIOD',
    );
    assert.deepEqual(
      clipped.buckets.map((b) => [b.compared.start, b.compared.end]),
      [
        [await local(api.db, '2023-10-15'), await local(api.db, '2023-11-01')],
        [await local(api.db, '2023-11-01'), await local(api.db, '2023-12-01')],
        [await local(api.db, '2023-12-01'), await local(api.db, '2023-12-10')],
      ],
    );
  });

  it('INTERVAL buckets: each reading with the readings of the same clock times a year earlier; none, nothing to compare', async () => {
    const readings = await compare(
      {
        from: await local(api.db, '2024-02-29', '10:00'),
        to: await local(api.db, '2024-02-29', '11:00'),
        resolution: Resolution.INTERVAL,
      },
      'PREVIOUS_YEAR',
    );
    assert.equal(readings.buckets.length, 4);
    for (const bucket of readings.buckets) {
      assert.equal(bucket.compared.readings, 1);
      await assertFigures(bucket, Resolution.INTERVAL);
    }
    assert.deepEqual(readings.buckets[0].compared.start, await local(api.db, '2023-02-28', '10:00'));
    const none = await compare(
      { from: new Date('2027-01-01T00:00:00Z'), to: new Date('2027-01-02T00:00:00Z'), resolution: Resolution.INTERVAL },
      'PREVIOUS_YEAR',
    );
    assert.deepEqual(
      [none.buckets, none.compared.readings, none.compared.start],
      [[], 0, new Date('2026-01-01T00:00:00Z')],
    );
  });

  it('percentages of the earlier size, rounded half away from zero to a tenth', () => {
    assert.equal(percentChange('112', '100'), '12');
    assert.equal(percentChange('1.0005', '1'), '0.1');
    assert.equal(percentChange('0.9995', '1'), '-0.1');
    assert.equal(percentChange('1', '3'), '-66.7');
    assert.equal(percentChange('-5', '-10'), '50');
    assert.equal(percentChange('5', '0'), null);
    assert.equal(decimalDifference('1.5', '0.25'), '1.25');
    assert.equal(decimalDifference('0.00001', '12'), '-11.99999');
  });
});
