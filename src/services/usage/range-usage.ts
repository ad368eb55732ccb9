import type { UsageQuery } from './usage-query';
import type { UsageBucket, UsageService } from './usage.service';

/** Usage of one range [start, end) of a series, as its totals: what usage() answers for that range. */
export type RangeTotals = Pick<UsageBucket, 'start' | 'end' | 'value' | 'cost' | 'readings' | 'expected'>;

/**
 * usage() over [start, end) reduced to its totals. An empty range (a local hour that did not exist on an earlier date,
 * a cycle that has just begun) has nothing in it, and is answered without a query.
 */
export async function rangeUsage(
  usage: UsageService,
  usagePointId: string,
  query: Omit<UsageQuery, 'from' | 'to'>,
  start: number,
  end: number,
): Promise<RangeTotals> {
  const figures: RangeTotals = {
    start: new Date(start),
    end: new Date(end),
    value: '0',
    cost: null,
    readings: 0,
    expected: 0,
  };
  if (start >= end) return figures;
  const series = await usage.usage(usagePointId, { ...query, from: figures.start, to: figures.end });
  return series
    ? { ...figures, value: series.total, cost: series.cost, readings: series.readings, expected: series.expected }
    : figures;
}
