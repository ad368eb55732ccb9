import { comparedRange, reachOf, shiftOf, type CompareTo } from './compare-period';
import { decimalDifference, percentChange } from './decimal-change';
import { rangeUsage, type RangeTotals } from './range-usage';
import { Resolution } from './periods';
import { impliedBuckets, MAX_BUCKETS, type UsageQuery } from './usage-query';
import type { UsageBucket, UsageSeries, UsageService } from './usage.service';
import { ZoneClock } from './zone-clock';

/** Current minus earlier: exact differences, and percentages of the earlier figures. */
export interface ChangeFigures {
  value: string;
  cost: string | null;
  valuePercent: string | null;
  costPercent: string | null;
}

export interface Comparison {
  compared: RangeTotals;
  change: ChangeFigures;
}

export type ComparedBucket = UsageBucket & Comparison;

export type ComparedSeries = Omit<UsageSeries, 'buckets'> & Comparison & { buckets: ComparedBucket[] };

function changeOf(current: { value: string; cost: string | null }, earlier: RangeTotals): ChangeFigures {
  const bothCosts = current.cost !== null && earlier.cost !== null;
  return {
    value: decimalDifference(current.value, earlier.value),
    cost: bothCosts ? decimalDifference(current.cost!, earlier.cost!) : null,
    valuePercent: percentChange(current.value, earlier.value),
    costPercent: bothCosts ? percentChange(current.cost!, earlier.cost!) : null,
  };
}

/**
 * usage() with each bucket beside the matching earlier one (compare-period.ts says which). Every earlier figure is
 * usage() itself over the earlier range, so it is exactly what a client asking for that range would be answered.
 */
export class UsageComparison {
  constructor(private readonly usage: UsageService) {}

  async compare(usagePointId: string, query: UsageQuery, compareTo: CompareTo): Promise<ComparedSeries | null> {
    const current = await this.usage.usage(usagePointId, query);
    if (!current) return null;
    const from = query.from.getTime();
    const to = query.to.getTime();
    const shift = shiftOf(compareTo, new ZoneClock(current.timeZone, from, to), from, to, query.resolution);
    const clock = new ZoneClock(current.timeZone, from - reachOf(shift), to);
    const earlierQuery = { ...query, timeZone: current.timeZone };
    const ranges = current.buckets.map((bucket) =>
      comparedRange(clock, bucket.start.getTime(), bucket.end.getTime(), shift),
    );
    const whole = comparedRange(clock, from, to, shift);
    // The whole earlier range in YEAR buckets: its total is the same at any resolution, and a range a leap day made
    // longer than the current one stays within the limits of every resolution.
    const [compared, buckets] = await Promise.all([
      rangeUsage(this.usage, usagePointId, { ...earlierQuery, resolution: Resolution.YEAR }, whole.start, whole.end),
      this.earlierBuckets(usagePointId, earlierQuery, ranges),
    ]);
    return {
      ...current,
      compared,
      change: changeOf({ value: current.total, cost: current.cost }, compared),
      buckets: current.buckets.map((bucket, i) => ({
        ...bucket,
        compared: buckets[i],
        change: changeOf(bucket, buckets[i]),
      })),
    };
  }

  /**
   * Usage of each earlier range. Most are buckets usage() itself gives over the whole earlier stretch (the same days,
   * weeks or months), so one call answers them; the others (an hour around a DST change, readings as buckets) are a
   * call each, batched into the same statements.
   */
  private async earlierBuckets(
    usagePointId: string,
    query: UsageQuery,
    ranges: { start: number; end: number }[],
  ): Promise<RangeTotals[]> {
    const first = Math.min(...ranges.map((range) => range.start));
    const last = Math.max(...ranges.map((range) => range.end));
    const stretch =
      ranges.length > 0 &&
      first < last &&
      query.resolution !== 'INTERVAL' &&
      impliedBuckets(new Date(first), new Date(last), query.resolution) <= MAX_BUCKETS[query.resolution]
        ? await this.usage.usage(usagePointId, { ...query, from: new Date(first), to: new Date(last) })
        : null;
    const buckets = new Map(
      stretch?.buckets.map((bucket) => [`${bucket.start.getTime()}/${bucket.end.getTime()}`, bucket]),
    );
    return Promise.all(
      ranges.map(async (range) => {
        const bucket = buckets.get(`${range.start}/${range.end}`);
        if (!bucket) return rangeUsage(this.usage, usagePointId, query, range.start, range.end);
        const { start, end, value, cost, readings, expected } = bucket;
        return { start, end, value, cost, readings, expected };
      }),
    );
  }
}
