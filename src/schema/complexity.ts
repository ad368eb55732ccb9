import type { GraphQLField } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { MAX_PAGE_SIZE } from '../services/pagination';
import { impliedBuckets } from '../services/usage/usage-query';
import type { Resolution } from '../services/usage/periods';

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

/** Only ever sees a `first` the query limits checked (1 to the field's maximum). */
export const pageCost: ComplexityEstimator = ({ args, childComplexity }) => 1 + (args.first as number) * Math.max(1, childComplexity);

function rangeBuckets(args: Record<string, unknown>, resolution: Resolution): number {
  const from = new Date(args.from as string | Date);
  const to = new Date(args.to as string | Date);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) return 1;
  return impliedBuckets(from, to, resolution);
}

export const usageCost: ComplexityEstimator = ({ args, childComplexity }) =>
  10 + childComplexity + rangeBuckets(args, (args.resolution as Resolution) ?? 'DAY');

export const completenessCost: ComplexityEstimator = ({ args, childComplexity }) => 10 + childComplexity + rangeBuckets(args, 'DAY');
