import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/roles';
import { AuthenticationError, type TokenVerifier } from '../auth/tokens';
import type { Logger } from '../logger';
import { observeCachedOperation, timeHttpRequest } from '../metrics/http-metrics';
import type { PortalMetrics } from '../metrics/portal-metrics';
import { visibleUsagePointVersions } from '../services/customers/usage-point-versions';
import { AccessScope } from '../services/access/access-scope';
import { answerKey, isCurrent, type Answer, type AnswerCache } from './answer-cache';
import { budgetKeyOf } from './budgets';
import { authenticate } from './graphql';
import type { CostBuckets } from './query-limits';
import { beginRequest } from './request-context';

/** A body parser middleware (express.json) run on the plain Node request. */
export type LaneParser = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

interface LaneOptions {
  cache: AnswerCache;
  /** The JSON body parser of the GraphQL route, so that a body is read, decoded and refused exactly as there. */
  parseBody: LaneParser;
  budgets: CostBuckets;
  verifier: TokenVerifier;
  dataSource: DataSource;
  metrics: PortalMetrics;
  logger: Logger;
}

type Body = { query: string; operationName?: string | null; variables?: Record<string, unknown> | null; extensions?: Record<string, unknown> | null };

const DATA_HEAD = Buffer.from('{"data":');
const JSON_ANSWER = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_ANSWER = 'application/graphql-response+json; charset=utf-8';
/**
 * The `accept` headers the lane answers, with the content type Apollo's negotiation picks for each (the test asks
 * Apollo first and compares): none and plain JSON, and what Apollo Client 4 and other GraphQL-over-HTTP clients send.
 */
const ANSWER_TYPES = new Map<string | undefined, string>([
  [undefined, JSON_ANSWER],
  ['*/*', JSON_ANSWER],
  ['application/json', JSON_ANSWER],
  ['application/graphql-response+json', GRAPHQL_RESPONSE_ANSWER],
  ['application/graphql-response+json,application/json;q=0.9', GRAPHQL_RESPONSE_ANSWER],
  ['application/graphql-response+json, application/json;q=0.9', GRAPHQL_RESPONSE_ANSWER],
]);

/** What the lane needs to answer on its own; anything else (another `accept`, no token…) is Apollo's. */
function laneRequest(req: IncomingMessage): boolean {
  return req.method === 'POST' && req.url === '/graphql' && ANSWER_TYPES.has(req.headers.accept) && typeof req.headers.authorization === 'string';
}

/** An object as Apollo accepts one for `variables` and `extensions`: not an array, not null. */
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether the body is a request the lane knows Apollo would run as it stands: a query string, and an operation name,
 * variables and extensions each absent, null or of the type Apollo requires. Apollo answers everything else its
 * own way (a 400, a persisted query…), so the lane passes it on.
 */
function plainQuery(body: unknown): body is Body {
  if (!isRecord(body) || typeof body.query !== 'string') return false;
  const absent = (value: unknown) => value === undefined || value === null;
  return (
    (absent(body.operationName) || typeof body.operationName === 'string') &&
    (absent(body.variables) || isRecord(body.variables)) &&
    (absent(body.extensions) || (isRecord(body.extensions) && !('persistedQuery' in body.extensions)))
  );
}

/**
 * Serves GraphQL queries whose answer is in the answer cache and still current, before Express and Apollo: on this
 * hardware their request handling costs several times what reading the cache and the version check do. The answer
 * is the bytes Apollo sent for the same document, operation, variables and caller kind, and the lane keeps what
 * Apollo would do around it: the bearer token is verified, the caller's budget is charged the answer's cost (and
 * `extensions.cost` reports it), the usage points are read through the caller's scope and must still have the data
 * versions the answer was built from, and the request is logged, counted and timed. The body is read by the
 * GraphQL route's own JSON parser (same decoding, same errors); whatever the lane cannot answer goes on to Express
 * with that body (`req.body`, which the parser then leaves alone) or that parser's error, so Apollo and the error
 * handler answer it exactly as they would without the lane.
 */
export function answerLane(options: LaneOptions) {
  const { cache, budgets } = options;
  // TypeORM's own pg pool: the lane's one statement needs no query runner of its own.
  const pool = (options.dataSource.driver as unknown as { master: Pool }).master;

  /** The cached answer and the budget left after its cost, when the lane can answer the request; else null. */
  async function lookUp(req: IncomingMessage, body: Body): Promise<{ answer: Answer; remaining: number } | null> {
    let principal: Principal | undefined;
    try {
      principal = await authenticate(req, options.verifier);
    } catch (error) {
      if (error instanceof AuthenticationError) return null;
      throw error;
    }
    if (!principal) return null;
    const queryHash = createHash('sha256').update(body.query).digest('hex');
    const answer = cache.peek(answerKey(queryHash, body, principal));
    // Through the caller's scope: a point that moved to another customer, or was deleted, is absent now.
    const current = answer && isCurrent(answer, await visibleUsagePointVersions(pool, AccessScope.of(principal), answer.usagePoints.map(([id]) => id)));
    cache.recordLookup(Boolean(current));
    if (!answer || !current) return null;
    // Only now, so a request the lane passes on is charged once, by Apollo.
    const remaining = budgets.take(budgetKeyOf(principal, ''), answer.cost);
    return remaining === null ? null : { answer, remaining };
  }

  function send(req: IncomingMessage, res: ServerResponse, { answer, remaining }: { answer: Answer; remaining: number }, started: bigint): void {
    beginRequest(options.logger, req, res);
    timeHttpRequest(options.metrics, req, res);
    const cost = JSON.stringify({ requested: answer.cost, maximum: budgets.limits.maxCost, remaining });
    const tail = `,"extensions":{"cost":${cost}}}\n`;
    res.writeHead(200, {
      'cache-control': 'no-store',
      'content-type': ANSWER_TYPES.get(req.headers.accept) as string,
      'content-length': DATA_HEAD.length + answer.data.length + Buffer.byteLength(tail),
    });
    // Writes of one tick leave in one writev (Node corks the socket until the next tick).
    res.write(DATA_HEAD);
    res.write(answer.data);
    res.end(tail);
    observeCachedOperation(options.metrics, answer.operationName, Number(process.hrtime.bigint() - started) / 1e9);
  }

  return (req: IncomingMessage & { body?: unknown; laneError?: unknown }, res: ServerResponse, onward: () => void): void => {
    if (!laneRequest(req)) return onward();
    const started = process.hrtime.bigint();
    options.parseBody(req, res, (error) => {
      if (error) {
        req.laneError = error;
        return onward();
      }
      if (!plainQuery(req.body)) return onward();
      lookUp(req, req.body).then(
        (found) => {
          if (!found) return onward();
          try {
            send(req, res, found, started);
          } catch (error) {
            // Headers may be out already: nothing can go on to Apollo any more.
            options.logger.error({ err: error }, 'answer lane failed while sending a cached answer');
            res.destroy();
          }
        },
        (error: unknown) => {
          options.logger.error({ err: error }, 'answer lane failed; the request goes on to Apollo');
          onward();
        },
      );
    });
  };
}
