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
import { authenticate, budgetKeyOf } from './graphql';
import type { CostBuckets } from './query-limits';
import { beginRequest } from './request-context';

/** Larger bodies are never a cached usage query; they go to Express, whose JSON parser takes up to 1 MB. */
const LANE_MAX_BODY = 64 * 1024;

interface LaneOptions {
  cache: AnswerCache;
  budgets: CostBuckets;
  verifier: TokenVerifier;
  dataSource: DataSource;
  metrics: PortalMetrics;
  logger: Logger;
}

type Body = { query?: unknown; operationName?: unknown; variables?: unknown; extensions?: unknown };

const DATA_HEAD = Buffer.from('{"data":');
const JSON_TYPE = /^application\/json(;\s*charset=utf-8)?$/i;
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

/** What the lane needs to answer on its own; anything else (a persisted query, another `accept`…) is Apollo's. */
function laneRequest(req: IncomingMessage): boolean {
  const { headers } = req;
  const length = Number(headers['content-length']);
  return (
    req.method === 'POST' &&
    req.url === '/graphql' &&
    JSON_TYPE.test(headers['content-type'] ?? '') &&
    ANSWER_TYPES.has(headers.accept) &&
    typeof headers.authorization === 'string' &&
    Number.isInteger(length) &&
    length > 0 &&
    length <= LANE_MAX_BODY
  );
}

/**
 * Serves GraphQL queries whose answer is in the answer cache and still current, before Express and Apollo: on this
 * hardware their request handling costs several times what reading the cache and the version check do. The answer
 * is the bytes Apollo sent for the same document, operation, variables and caller kind, and the lane keeps what
 * Apollo would do around it: the bearer token is verified, the caller's budget is charged the answer's cost (and
 * `extensions.cost` reports it), the usage points are read through the caller's scope and must still have the data
 * versions the answer was built from, and the request is logged, counted and timed. Whatever it cannot answer goes
 * on to Express with the body it read (`req.body`, which Express's JSON parser then leaves alone), including every
 * error case, so errors keep one shape.
 */
export function answerLane(options: LaneOptions) {
  const { cache, budgets } = options;
  // TypeORM's own pg pool: the lane's one statement needs no query runner of its own.
  const pool = (options.dataSource.driver as unknown as { master: Pool }).master;

  /** The cached answer and the budget left after its cost, when the lane can answer the request; else null. */
  async function lookUp(req: IncomingMessage, body: Body): Promise<{ answer: Answer; remaining: number } | null> {
    if (typeof body.query !== 'string') return null;
    // Extensions such as Apollo Client's `clientLibrary` change nothing; a persisted query is Apollo's to resolve.
    if (body.extensions != null && (typeof body.extensions !== 'object' || 'persistedQuery' in body.extensions)) return null;
    if (body.operationName != null && typeof body.operationName !== 'string') return null;
    if (body.variables != null && (typeof body.variables !== 'object' || Array.isArray(body.variables))) return null;
    let principal: Principal | undefined;
    try {
      principal = await authenticate(req, options.verifier);
    } catch (error) {
      if (error instanceof AuthenticationError) return null;
      throw error;
    }
    if (!principal) return null;
    const queryHash = createHash('sha256').update(body.query).digest('hex');
    const request = { operationName: body.operationName as string | null | undefined, variables: body.variables as Record<string, unknown> | null | undefined };
    const answer = cache.peek(answerKey(queryHash, request, principal));
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

  return (req: IncomingMessage & { body?: unknown; laneError?: Error }, res: ServerResponse, onward: () => void): void => {
    if (!laneRequest(req)) return onward();
    const started = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', (error) => {
      req.laneError = Object.assign(error, { status: 400 });
      onward();
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        // As Express's strict JSON parser: an object or an array (a batch, which Apollo refuses), nothing else.
        if (!/^[\s]*[{[]/.test(text)) throw new SyntaxError('request body must be a JSON object');
        req.body = JSON.parse(text);
      } catch (error) {
        req.laneError = Object.assign(error as Error, { status: 400, type: 'entity.parse.failed' });
        return onward();
      }
      const body = req.body as Body;
      if (Array.isArray(body)) return onward();
      lookUp(req, body).then(
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
