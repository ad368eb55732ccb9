import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  getVariableValues,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Principal } from '../auth/roles';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { GraphQLContext } from '../schema/context';
import type { CostContext } from '../schema/complexity';
import { spend } from './budgets';
import { fragmentsOf, operationSize } from './operation-size';
import { checkPageSizes } from './page-sizes';

export interface QueryLimits {
  /** Most cost points one operation may have (see src/schema/complexity.ts for the per-field costs). */
  maxCost: number;
  maxDepth: number;
  maxAliases: number;
  /** Most fields, fragment spreads and inline fragments one operation may have, fragments expanded. */
  maxSelections: number;
  /** Most tokens a document may have: parsing stops there, and validation only ever sees documents this small. */
  maxTokens: number;
  /** Most fields one selection set may give the same response name, fragments collected (see mostRepeatedResponseName). */
  maxSameNameFields: number;
  /** Per-principal budget: a bucket of cost points that refills continuously. */
  budgetPoints: number;
  budgetRefillPerSecond: number;
}

// A year of daily usage for a usage point costs about 400 points; a page of 100 usage points with a month of days
// each about 4 500. The budget lets one app user refresh a dashboard many times a minute, not scrape the database.
// The largest queries the portal's clients send have a few hundred selections and a few hundred tokens (GraphiQL's
// introspection query 180).
export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxCost: 10_000,
  maxDepth: 16,
  maxAliases: 30,
  maxSelections: 2_000,
  maxTokens: 5_000,
  maxSameNameFields: 30,
  budgetPoints: 50_000,
  budgetRefillPerSecond: 500,
};

function limitError(
  message: string,
  code: string,
  status: number,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status }, ...extensions } });
}

/** The per-principal budgets of one API process, charged by every entry point (budgets.ts). */
export class CostBuckets {
  private readonly buckets = new Map<string, { points: number; at: number }>();
  private takes = 0;

  constructor(readonly limits: QueryLimits) {}

  private refilled(bucket: { points: number; at: number }, now: number): number {
    return Math.min(
      this.limits.budgetPoints,
      bucket.points + ((now - bucket.at) / 1000) * this.limits.budgetRefillPerSecond,
    );
  }

  /** Takes `cost` points from the caller's bucket; returns the points left, or null when there are not enough. */
  take(key: string, cost: number, now = Date.now()): number | null {
    // A full bucket carries no information: forgetting those now and then keeps the map as small as the busy callers.
    if ((this.takes += 1) % 10_000 === 0) {
      for (const [other, bucket] of this.buckets)
        if (this.refilled(bucket, now) >= this.limits.budgetPoints) this.buckets.delete(other);
    }
    const previous = this.buckets.get(key);
    const points = previous ? this.refilled(previous, now) : this.limits.budgetPoints;
    if (points < cost) {
      this.buckets.set(key, { points, at: now });
      return null;
    }
    this.buckets.set(key, { points: points - cost, at: now });
    return Math.floor(points - cost);
  }

  /** Whole seconds until the caller's bucket holds `cost` points again (at least 1): a 429's Retry-After. */
  retryAfterSeconds(key: string, cost: number, now = Date.now()): number {
    const bucket = this.buckets.get(key);
    const points = bucket ? this.refilled(bucket, now) : this.limits.budgetPoints;
    return Math.max(
      1,
      Math.ceil((Math.min(cost, this.limits.budgetPoints) - points) / this.limits.budgetRefillPerSecond),
    );
  }
}

/** What an operation is priced and charged on: the principal's (or, without one, the address's) budget. */
export interface PricedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
  principal: Principal | undefined;
  clientAddress: string;
}

/**
 * Depth, alias, selection, page-size and cost limits on one operation, and its cost taken from the caller's budget:
 * the cost report, or undefined when its variables do not coerce (execution then refuses it with graphql-js's
 * BAD_USER_INPUT errors, before any resolver runs). Throws the GraphQLError that refuses it. Every GraphQL transport
 * runs it: HTTP (the plugin below) and WebSocket subscriptions (subscriptions.ts).
 */
export function priceOperation(
  budgets: CostBuckets,
  { schema, document, operation, variables, principal, clientAddress }: PricedOperation,
): CostReport | undefined {
  const { limits } = budgets;
  // First, in time linear in the document: what follows (variables, pricing, execution) grows with the operation
  // fragments expanded.
  const { depth, aliases, selections } = operationSize(document, operation);
  if (depth > limits.maxDepth)
    throw limitError(`query depth ${depth} exceeds ${limits.maxDepth}`, 'QUERY_TOO_COMPLEX', 400);
  if (aliases > limits.maxAliases)
    throw limitError(`query uses ${aliases} aliases, more than ${limits.maxAliases}`, 'QUERY_TOO_COMPLEX', 400);
  if (selections > limits.maxSelections) {
    throw limitError(
      `query selects ${selections} fields and fragments (fragments expanded), more than ${limits.maxSelections}`,
      'QUERY_TOO_COMPLEX',
      400,
    );
  }
  // Variables that do not coerce: execution refuses the operation before any resolver runs, with graphql-js's
  // BAD_USER_INPUT errors. Pricing it would throw the first of them from here, where it became an internal error.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return undefined;
  checkPageSizes(schema, document, operation, coerced.coerced);
  const requested = getComplexity({
    schema,
    query: document,
    operationName: operation.name?.value,
    variables,
    context: { fragments: fragmentsOf(document) } satisfies CostContext,
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    // Its own node limit throws an error without a code; the selection limit above comes first.
    maxQueryNodes: limits.maxSelections + 1,
  });
  if (requested > limits.maxCost) {
    throw limitError(
      `query cost ${requested} exceeds the maximum of ${limits.maxCost}; ask for fewer items or a shorter range`,
      'QUERY_TOO_COMPLEX',
      400,
      {
        cost: { requested, maximum: limits.maxCost },
      },
    );
  }
  const spent = spend(budgets, principal, clientAddress, requested);
  if ('retryAfter' in spent) {
    const { retryAfter } = spent;
    throw new GraphQLError(`rate limit: the query budget of this token is used up; retry in ${retryAfter} s`, {
      extensions: {
        code: 'RATE_LIMITED',
        http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
        cost: { requested, maximum: limits.maxCost, remaining: 0 },
      },
    });
  }
  return { requested, maximum: limits.maxCost, remaining: spent.remaining };
}

/** The cost of an operation and the budget left, reported in `extensions.cost` of each response. */
export interface CostReport {
  requested: number;
  maximum: number;
  remaining: number;
}

/**
 * Depth, alias and cost limits on every operation, a per-principal budget of cost points, and the cost and remaining
 * budget reported in `extensions.cost` of each response.
 */
export function queryLimitsPlugin(budgets: CostBuckets): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      let report: CostReport | undefined;
      return {
        async didResolveOperation({ request, document, schema, contextValue, operation }) {
          // No operation: execution answers why (unknown operation name), as graphql-js does, and runs nothing.
          if (!operation) return;
          const { principal, clientAddress } = contextValue;
          report = priceOperation(budgets, {
            schema,
            document,
            operation,
            variables: request.variables ?? {},
            principal,
            clientAddress,
          });
        },
        async willSendResponse({ response }) {
          if (report && response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost: report };
          }
        },
      };
    },
  };
}
