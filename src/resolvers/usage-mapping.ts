import { Completeness } from '../schema/completeness.type';
import { DayCompleteness } from '../schema/day-completeness.type';
import { MeterReading } from '../schema/meter-reading.type';
import type { UsageBucketNode } from '../schema/usage-bucket.type';
import { UsageSeriesNode } from '../schema/usage-series.type';
import type { ComparedSeries } from '../services/usage/usage-comparison';
import type { UsageSeries } from '../services/usage/usage.service';
import { ZoneClock } from '../services/usage/zone-clock';

export function toUsageSeries(result: UsageSeries | ComparedSeries): UsageSeriesNode {
  return Object.assign(new UsageSeriesNode(), {
    unit: result.unit.unit,
    unitSymbol: result.unit.symbol,
    timeZone: result.timeZone,
    currency: result.currency,
    total: result.total,
    cost: result.cost,
    readings: result.readings,
    expected: result.expected,
    estimated: result.estimated,
    // UsageBucket fields use graphql-js's default resolver (see build-schema.ts), which reads the service's buckets
    // as they are: copying a year of them into UsageBucketNode instances would only add garbage.
    buckets: result.buckets satisfies UsageBucketNode[],
    compared: 'compared' in result ? result.compared : null,
    change: 'change' in result ? result.change : null,
    meterReading: MeterReading.from(result.series.meterReading),
  });
}

export function toCompleteness(days: UsageSeries, dataThrough: Date | null): Completeness {
  const first = days.buckets[0]?.start.getTime() ?? 0;
  const clock = new ZoneClock(days.timeZone, first, days.buckets[days.buckets.length - 1]?.end.getTime() ?? first);
  return Object.assign(new Completeness(), {
    timeZone: days.timeZone,
    days: days.buckets.map((bucket) =>
      Object.assign(new DayCompleteness(), {
        date: clock.localDate(bucket.start.getTime()),
        start: bucket.start,
        end: bucket.end,
        expected: bucket.expected,
        received: bucket.readings,
        estimated: bucket.estimated,
        missing: bucket.expected === null ? null : Math.max(0, bucket.expected - bucket.readings),
        firstReading: bucket.firstStart === null ? null : new Date(bucket.firstStart),
        lastReadingEnd: bucket.lastEnd === null ? null : new Date(bucket.lastEnd),
      }),
    ),
    expected: days.expected,
    received: days.readings,
    estimated: days.estimated,
    dataThrough,
    meterReading: MeterReading.from(days.series.meterReading),
  });
}
