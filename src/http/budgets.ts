import type { Request, RequestHandler, Response } from 'express';
import type { Principal } from '../auth/roles';
import { sendJsonError } from './json-error';
import type { CostBuckets } from './query-limits';

// One budget per principal, the GraphQL one: every entry point that reads data charges it, so a caller refused on
// GraphQL cannot go on through ESPI REST, downloads or /cim, and the other way round.

/** Budgets are per principal (all tokens of one subject share one), or per client address without a token. */
export function budgetKeyOf(principal: Principal | undefined, clientAddress: string): string {
  return principal
    ? `${principal.role}:${principal.subject}:${principal.customerId ?? ''}`
    : `address:${clientAddress}`;
}

/** What a request to /metrics or an admin page costs, and any request at least: next to nothing, but not free. */
const FLAT_REQUEST_COST = 5;

/**
 * Takes `points` from the caller's budget: the points left, or the seconds to wait when it is short. Every entry point
 * charges through here: GraphQL the operation's exact cost (query-limits.ts), the others through `charge`.
 */
export function spend(
  budgets: CostBuckets,
  principal: Principal | undefined,
  clientAddress: string | undefined,
  points: number,
): { remaining: number } | { retryAfter: number } {
  const key = budgetKeyOf(principal, clientAddress ?? 'unknown');
  const remaining = budgets.take(key, points);
  return remaining === null ? { retryAfter: budgets.retryAfterSeconds(key, points) } : { remaining };
}

/** Takes `cost`, at least the flat cost of any request, from the caller's budget; the seconds to wait when it is short. */
export function charge(
  budgets: CostBuckets,
  principal: Principal | undefined,
  clientAddress: string | undefined,
  cost: number,
): number | undefined {
  // A read larger than the whole budget takes all of it rather than never being served.
  const spent = spend(
    budgets,
    principal,
    clientAddress,
    Math.min(Math.max(cost, FLAT_REQUEST_COST), budgets.limits.budgetPoints),
  );
  return 'retryAfter' in spent ? spent.retryAfter : undefined;
}

/** The 429 of the JSON entry points. */
export function sendRateLimited(req: Request, res: Response, retryAfter: number): void {
  res.set('retry-after', String(retryAfter));
  sendJsonError(
    req,
    res,
    429,
    'RATE_LIMITED',
    `rate limit: the budget of this token is used up; retry in ${retryAfter} s`,
  );
}

/** Charges the flat cost to the principal `requirePermission` let in. */
export function flatCharge(budgets: CostBuckets): RequestHandler {
  return (req, res, next) => {
    const retryAfter = charge(budgets, req.principal as Principal, req.ip, FLAT_REQUEST_COST);
    if (retryAfter === undefined) return next();
    sendRateLimited(req, res, retryAfter);
  };
}
