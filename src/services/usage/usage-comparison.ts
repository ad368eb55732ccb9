import { comparedRange, reachOf, shiftOf, type CompareTo, type LocalShift } from './compare-period';
import type { Resolution } from './periods';
import { decimalDifference, percentChange } from './decimal-change';
import { rangeUsage, type RangeTotals } from './range-usage';
import type { UsageQuery } from './usage-query';
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
    const earlier = (start: number, end: number, resolution: Resolution) =>
      this.earlier(usagePointId, { ...query, timeZone: current.timeZone, resolution }, clock, shift, start, end);
    // The whole earlier range in YEAR buckets: its total is the same at any resolution, and a range a leap day made
    // longer than the current one stays within the limits of every resolution.
    const [whole, ...buckets] = await Promise.all([
      earlier(from, to, 'YEAR'),
      ...current.buckets.map((bucket) => earlier(bucket.start.getTime(), bucket.end.getTime(), query.resolution)),
    ]);
    return {
      ...current,
      compared: whole,
      change: changeOf({ value: current.total, cost: current.cost }, whole),
      buckets: current.buckets.map((bucket, i) => ({ ...bucket, compared: buckets[i], change: changeOf(bucket, buckets[i]) })),
    };
  }

  /** The earlier range of [start, end) and its usage. */
  private earlier(usagePointId: string, query: UsageQuery, clock: ZoneClock, shift: LocalShift, start: number, end: number): Promise<RangeTotals> {
    const range = comparedRange(clock, start, end, shift);
    return rangeUsage(this.usage, usagePointId, query, range.start, range.end);
  }
}
