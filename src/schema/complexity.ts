import { Kind, type FragmentDefinitionNode, type GraphQLField, type SelectionSetNode } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { MAX_PAGE_SIZE } from '../services/pagination';
import { MAX_STATISTIC_HOURS } from '../services/usage/hourly-statistics';
import { impliedBuckets } from '../services/usage/usage-query';
import { Resolution } from '../services/usage/periods';

// Per-field costs for graphql-query-complexity. A list costs its page size times what each item selects, and a usage
// series costs the number of buckets its range implies, so one nested query cannot ask for millions of rows.

/**
 * A connection's largest `first`, as field extensions (`@Extensions(maxPageSize(n))`), for one that serves more
 * than MAX_PAGE_SIZE: the query limits check every `first` against it before pricing, as the services do after.
 */
export const maxPageSize = (max: number) => ({ maxPageSize: max });

export function maxPageSizeOf(field: GraphQLField<unknown, unknown>): number {
  const declared = field.extensions.maxPageSize;
  return typeof declared === 'number' ? declared : MAX_PAGE_SIZE;
}

/** What the pricing is told besides the field: the operation's fragments, to see what a selection reaches. */
export interface CostContext {
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

/** Whether a selection set asks for field `name`, directly or through its inline and named fragments. */
function selects(
  set: SelectionSetNode | undefined,
  name: string,
  context: CostContext | undefined,
  seen = new Set<string>(),
): boolean {
  return (set?.selections ?? []).some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === name;
    if (selection.kind === Kind.INLINE_FRAGMENT) return selects(selection.selectionSet, name, context, seen);
    if (seen.has(selection.name.value)) return false;
    seen.add(selection.name.value);
    return selects(context?.fragments.get(selection.name.value)?.selectionSet, name, context, seen);
  });
}

/**
 * A count is one statement per connection (per level when nested), however large the page: a flat 10, and over a
 * range of readings one more per thousand quarter-hours the range can hold (a year: 45).
 */
function countCost(args: Record<string, unknown>): number {
  return 10 + ('from' in args ? Math.ceil(rangeBuckets(args, Resolution.INTERVAL) / 1000) : 0);
}

/**
 * Only ever sees a `first` or `last` the query limits checked (1 to the field's maximum); `totalCount` is priced
 * here, once, rather than with each item.
 */
export const pageCost: ComplexityEstimator = ({ args, childComplexity, node, context }) =>
  1 +
  ((args.first ?? args.last) as number) * Math.max(1, childComplexity) +
  (selects(node.selectionSet, 'totalCount', context as CostContext | undefined) ? countCost(args) : 0);

function rangeBuckets(args: Record<string, unknown>, resolution: Resolution): number {
  const from = new Date(args.from as string | Date);
  const to = new Date(args.to as string | Date);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) return 1;
  return impliedBuckets(from, to, resolution);
}

/** With `compareTo` a usage series reads a second, earlier one of as many buckets, each its own range. */
export const usageCost: ComplexityEstimator = ({ args, childComplexity }) =>
  (10 + childComplexity + rangeBuckets(args, (args.resolution as Resolution) ?? Resolution.DAY)) *
    (args.compareTo ? 2 : 1) +
  ratePeriodCost(args);

/** Readings grouped per local hour (or priced one by one, per tariff): a cost per day of the range. */
export const ratePeriodCost = (args: Record<string, unknown>): number =>
  args.byRatePeriod ? rangeBuckets(args, Resolution.DAY) : 0;

export const rateComparisonCost: ComplexityEstimator = ({ args, childComplexity }) =>
  10 +
  childComplexity +
  rangeBuckets(args, Resolution.DAY) * (1 + ((args.tariffs as unknown[] | undefined)?.length ?? 0));

/**
 * A bill forecast reads about 150 local days (the cycle and the 4 weeks before it, now and a year earlier), priced
 * like a usage series of as many DAY buckets.
 */
export const forecastCost: ComplexityEstimator = ({ childComplexity }) => 10 + childComplexity + 150;

export const completenessCost: ComplexityEstimator = ({ args, childComplexity }) =>
  10 + childComplexity + rangeBuckets(args, Resolution.DAY);

/** Hourly statistics run from `since` to the latest reading, which is never later than now: priced by those hours. */
export const statisticsCost: ComplexityEstimator = ({ args, childComplexity }) => {
  const hours = Math.ceil((Date.now() - new Date(args.since as string | Date).getTime()) / 3_600_000);
  return 10 + childComplexity + (hours >= 1 ? Math.min(hours, MAX_STATISTIC_HOURS) : 1);
};
