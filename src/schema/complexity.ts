import type { ComplexityEstimator } from 'graphql-query-complexity';
import { impliedBuckets } from '../services/usage/usage-query';
import type { Resolution } from '../services/usage/periods';

// Per-field costs for graphql-query-complexity. A list costs its page size times what each item selects, and a usage
// series costs the number of buckets its range implies, so one nested query cannot ask for millions of rows.

export const pageCost: ComplexityEstimator = ({ args, childComplexity }) => 1 + (Number(args.first) || 1) * Math.max(1, childComplexity);

function rangeBuckets(args: Record<string, unknown>, resolution: Resolution): number {
  const from = new Date(args.from as string | Date);
  const to = new Date(args.to as string | Date);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) return 1;
  return impliedBuckets(from, to, resolution);
}

export const usageCost: ComplexityEstimator = ({ args, childComplexity }) =>
  10 + childComplexity + rangeBuckets(args, (args.resolution as Resolution) ?? 'DAY');

export const completenessCost: ComplexityEstimator = ({ args, childComplexity }) => 10 + childComplexity + rangeBuckets(args, 'DAY');
