import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GraphQLError,
  getOperationAST,
  parse,
  subscribe,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode, type SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { WebSocketServer } from 'ws';
import type { Principal } from '../auth/roles';
import { AuthenticationError, type TokenVerifier } from '../auth/tokens';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { PortalMetrics } from '../metrics/portal-metrics';
import type { QueueAccess } from '../queue/queue-access';
import type { GraphQLContext } from '../schema/context';
import { RequestServices, type LiveFeeds } from '../services/request-services';
import { authenticateSession } from './authentication';
import { budgetKeyOf } from './budgets';
import { documentGuard } from './document-guard';
import { clientErrorFormat, isClientError } from './graphql';
import { loadPersistedQueries, persistedDocument } from './persisted-queries';
import { priceOperation, type CostBuckets } from './query-limits';
import { clientAddressOf } from './request-context';

// GraphQL subscriptions over WebSocket (the graphql-ws protocol, "graphql-transport-ws"), at the GraphQL path of the
// HTTP server. The socket signs in with the bearer token of its connection_init payload, through the same
// authentication as every other entry point, and ends when that token expires; each subscription is checked against
// the same query limits and budget as an HTTP operation, and a principal holds a bounded number of them at once.

export const SUBSCRIPTION_PATH = '/graphql';

/** What one signed-in socket keeps. */
interface Session {
  principal: Principal;
  requestId: string;
  log: Logger;
  clientAddress: string;
  expiry?: NodeJS.Timeout;
}

type SocketExtra = Extra & { session?: Session };

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  verifier: TokenVerifier;
  logger: Logger;
  production: boolean;
  dataSource: DataSource;
  budgets: CostBuckets;
  metrics: PortalMetrics;
  live: LiveFeeds;
  jobs: { queueAccess: QueueAccess; config: Config };
}

// A timer fires after at most 2^31 - 1 ms (24.8 days); a later expiry is armed again then.
const LONGEST_TIMER_MS = 2 ** 31 - 1;
// Messages are subscribe requests: a document of MAX tokens fits well within this.
const MAX_MESSAGE_BYTES = 256 * 1024;

/** The Authorization value of a connection_init payload: `{ authorization: 'Bearer …' }` (any case) or `{ token }`. */
function authorizationOf(params: Record<string, unknown> | undefined): string | undefined {
  const entry = Object.entries(params ?? {}).find(([name]) => name.toLowerCase() === 'authorization');
  if (typeof entry?.[1] === 'string') return entry[1];
  return typeof params?.token === 'string' ? `Bearer ${params.token}` : undefined;
}

const refusal = (message: string, code: string) => [new GraphQLError(message, { extensions: { code } })];

/**
 * The stream of a subscription, counted while it is open: `ended` runs once, when the server ends it or the client
 * (or its socket) lets it go.
 */
function counted<T>(source: AsyncGenerator<T>, ended: () => void): AsyncGenerator<T> {
  let open = true;
  const end = () => {
    if (open) ended();
    open = false;
  };
  const stream = {
    async next() {
      const result = await source.next();
      if (result.done) end();
      return result;
    },
    async return(value: unknown) {
      end();
      return source.return(value as T);
    },
    async throw(error: unknown) {
      end();
      return source.throw(error);
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream as unknown as AsyncGenerator<T>;
}

export function startSubscriptionServer(server: Server, options: SubscriptionServerOptions): { stop(): Promise<void> } {
  const { budgets, schema } = options;
  const perPrincipal = options.jobs.config.subscriptionsPerPrincipal;
  const format = clientErrorFormat(options.production);
  const guard = documentGuard(budgets.limits);
  const { persistedQueriesFile } = options.jobs.config;
  const persisted = persistedQueriesFile ? loadPersistedQueries(persistedQueriesFile) : undefined;
  const open = new Map<string, number>();
  let total = 0;
  new Gauge({
    name: 'usage_portal_graphql_subscriptions',
    help: 'GraphQL subscriptions open on this API process.',
    registers: [options.metrics.registry],
    collect() {
      this.set(total);
    },
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').split('?')[0] !== SUBSCRIPTION_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', upgrade);

  const release = (key: string) => {
    total -= 1;
    const left = (open.get(key) ?? 1) - 1;
    if (left > 0) open.set(key, left);
    else open.delete(key);
  };

  /** Closes the socket when the token expires (4403: the client may reconnect with a fresh token). */
  const armExpiry = (extra: SocketExtra, session: Session, expiresAt: number) => {
    const wait = expiresAt - Date.now();
    session.expiry = setTimeout(
      () =>
        wait > LONGEST_TIMER_MS
          ? armExpiry(extra, session, expiresAt)
          : extra.socket.close(CloseCode.Forbidden, 'token expired'),
      Math.max(0, Math.min(wait, LONGEST_TIMER_MS)),
    );
  };

  const disposable = useServer<Record<string, unknown>, { session: Session }>(
    {
      schema,
      isProd: options.production,
      // Closes the socket as graphql-ws clients expect: 4401 without a token (nothing to retry with), 4403 with one
      // that is not valid (a client may retry with a fresh token).
      async onConnect(ctx) {
        const extra = ctx.extra as SocketExtra;
        const authorization = authorizationOf(ctx.connectionParams);
        if (authorization === undefined) {
          extra.socket.close(
            CloseCode.Unauthorized,
            'send the bearer token in connection_init: { "authorization": "Bearer <token>" }',
          );
          return false;
        }
        try {
          const { principal, expiresAt } = await authenticateSession(authorization, options.verifier);
          // Gone while its token was checked: nothing to keep (its close has run already).
          if (extra.socket.readyState !== extra.socket.OPEN) return false;
          const requestId = randomUUID();
          const session: Session = {
            principal,
            requestId,
            log: options.logger.child({ requestId }),
            clientAddress: clientAddressOf(extra.request),
          };
          extra.session = session;
          armExpiry(extra, session, expiresAt);
          session.log.info({ subject: principal.subject, role: principal.role }, 'subscription socket opened');
          return true;
        } catch (error) {
          if (!(error instanceof AuthenticationError)) throw error;
          extra.socket.close(CloseCode.Forbidden, error.message);
          return false;
        }
      },
      onClose(ctx, code, reason) {
        const session = (ctx.extra as SocketExtra).session;
        if (!session) return;
        clearTimeout(session.expiry);
        session.log.info({ code, reason }, 'subscription socket closed');
      },
      async onSubscribe(ctx, id, payload: SubscribePayload) {
        const session = (ctx.extra as SocketExtra).session as Session;
        const listedId = (payload.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
        const query = persisted
          ? persistedDocument(persisted, options.jobs.config.persistedQueriesOnly, payload.query, listedId)
          : payload.query;
        if (query instanceof GraphQLError) return [query];
        const refused = guard(query);
        if (refused) return refusal(refused.message, refused.graphqlCode);
        let document: DocumentNode;
        try {
          document = parse(query, { maxTokens: budgets.limits.maxTokens });
        } catch (error) {
          return refusal((error as GraphQLError).message, 'GRAPHQL_PARSE_FAILED');
        }
        const invalid = validate(schema, document);
        if (invalid.length > 0)
          return invalid.map(
            (e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
          );
        const operation = getOperationAST(document, payload.operationName);
        if (!operation)
          return refusal(
            'name the operation to run (operationName): the document has several or none of that name',
            'BAD_REQUEST',
          );
        if (operation.operation !== 'subscription')
          return refusal(
            'this socket runs subscriptions: send queries and mutations by POST to /graphql',
            'BAD_REQUEST',
          );
        const { principal, clientAddress } = session;
        try {
          priceOperation(budgets, {
            schema,
            document,
            operation,
            variables: payload.variables ?? {},
            principal,
            clientAddress,
          });
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const requestId = `${session.requestId}:${id}`;
        const log = session.log.child({ subscription: id });
        const contextValue: GraphQLContext = {
          requestId,
          logger: log,
          principal,
          clientAddress,
          services: new RequestServices(
            options.dataSource,
            principal,
            { ...options.jobs, logger: log, requestId },
            options.live,
          ),
        };
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        } satisfies ExecutionArgs;
      },
      // The per-principal cap, taken before the subscription starts and given back when it ends, however it ends.
      async subscribe(args) {
        const { principal, clientAddress } = args.contextValue as GraphQLContext;
        const key = budgetKeyOf(principal, clientAddress);
        const held = open.get(key) ?? 0;
        if (held >= perPrincipal) {
          return {
            errors: refusal(
              `this token already holds ${held} subscriptions, the most one principal may (SUBSCRIPTIONS_PER_PRINCIPAL)`,
              'TOO_MANY_SUBSCRIPTIONS',
            ),
          };
        }
        open.set(key, held + 1);
        total += 1;
        const result = await subscribe(args).catch((error: unknown) => {
          release(key);
          throw error;
        });
        if (!(Symbol.asyncIterator in result)) {
          release(key);
          return result;
        }
        return counted(result, () => release(key));
      },
      onNext(_ctx, _id, _payload, args, result: ExecutionResult) {
        if (!result.errors) return undefined;
        for (const error of result.errors)
          if (!isClientError(error))
            (args.contextValue as GraphQLContext).logger.error(
              { err: error.originalError ?? error },
              'GraphQL subscription error',
            );
        return { ...result, errors: result.errors.map((e) => format(e.toJSON())) };
      },
      onError(_ctx, _id, _payload, errors) {
        return errors.map((e) => format(e.toJSON()));
      },
    },
    wss,
  );

  return {
    /** Closes every socket (1001 going away: clients reconnect elsewhere) and stops accepting new ones. */
    async stop() {
      server.off('upgrade', upgrade);
      await disposable.dispose();
    },
  };
}
