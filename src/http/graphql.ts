import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { DataSource } from 'typeorm';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { AuthenticationError, type TokenVerifier } from '../auth/tokens';
import type { GraphQLContext } from '../schema/context';
import type { Config } from '../config';
import type { QueueAccess } from '../queue/queue-access';
import { RequestServices } from '../services/request-services';
import { authenticate } from './authentication';
import { jitGateway } from './jit-executor';
import { loadPersistedQueries, persistedQueriesPlugin } from './persisted-queries';
import { queryLimitsPlugin, type CostBuckets } from './query-limits';
import type { FrontRequest } from './graphql-route';
import { clientAddressOf } from './request-context';

// Error codes whose messages are meant for clients; anything else is an internal fault and its text is masked.
const CLIENT_ERROR_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_ALLOWED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
  'TOO_MANY_SUBSCRIPTIONS',
]);

function maskInternalErrors(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (isClientError(formatted)) return formatted;
  return {
    message: 'Internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * graphql-js's "Did you mean …?" names fields, types and enum values. Apollo's hideSchemaDetailsFromClientErrors takes
 * it out of validation errors only; variables are coerced after validation (graphql-js's words, Apollo's
 * BAD_USER_INPUT), so in production every message goes through the same rule.
 */
function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return { ...formatted, message: formatted.message.replace(/ ?Did you mean(.+?)\?$/, '') };
}

/** How errors leave for clients, on every GraphQL transport (HTTP here, WebSocket in subscriptions.ts). */
export function clientErrorFormat(production: boolean): (formatted: GraphQLFormattedError) => GraphQLFormattedError {
  return production ? (formatted) => withoutSuggestions(maskInternalErrors(formatted)) : maskInternalErrors;
}

/** Whether an error is meant for the client (its message is kept); anything else is an internal fault, to be logged. */
export function isClientError(error: GraphQLFormattedError | GraphQLError): boolean {
  const code = error.extensions?.code;
  return typeof code === 'string' && CLIENT_ERROR_CODES.has(code);
}

// What Apollo's cache-control plugin answered for our schema, which sets no cache hints: answers are per caller.
const noStore: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

const requestIdInErrors: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          if (isClientError(error)) continue;
          contextValue.logger.error({ err: error.originalError ?? error, path: error.path }, 'GraphQL resolver error');
        }
      },
      async willSendResponse({ contextValue, response }) {
        if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
        response.body.singleResult.errors = response.body.singleResult.errors.map((e) => ({
          ...e,
          extensions: { ...e.extensions, requestId: contextValue.requestId },
        }));
      },
    };
  },
};

// Subscriptions run over WebSocket (subscriptions.ts): executed over HTTP, their fields would resolve with no event.
const subscriptionsOverWebSocket: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      // Thrown synchronously, so the query limits after it neither price nor charge it (see persisted-queries.ts).
      didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return Promise.resolve();
        throw new GraphQLError('subscriptions run over WebSocket at this path (graphql-ws protocol), not over HTTP', {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        });
      },
    };
  },
};

export async function createGraphQLServer(options: {
  schema: GraphQLSchema;
  httpServer: Server;
  verifier: TokenVerifier;
  production: boolean;
  plugins?: ApolloServerPlugin<GraphQLContext>[];
  dataSource: DataSource;
  /** What admin mutations need to start imports and extracts. */
  jobs: { queueAccess: QueueAccess; config: Config };
  /** The per-principal budgets, shared with every other entry point (app.ts). */
  budgets: CostBuckets;
}): Promise<{ apollo: ApolloServer<GraphQLContext>; context: (req: FrontRequest) => Promise<GraphQLContext> }> {
  const { budgets } = options;
  const { config } = options.jobs;
  const apollo = new ApolloServer<GraphQLContext>({
    gateway: jitGateway(options.schema),
    introspection: !options.production,
    // Without introspection, "Did you mean …?" in validation errors would still spell the schema out field by field.
    hideSchemaDetailsFromClientErrors: options.production,
    // Parsing stops past the limit (GRAPHQL_PARSE_FAILED), so validation's work has a bound too.
    parseOptions: { maxTokens: budgets.limits.maxTokens },
    // Shutdown order (HTTP, then workers, then the database) is ours to run; Apollo must not exit on the signal itself.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: clientErrorFormat(options.production),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer }),
      // GraphiQL is served from our own bundle; Apollo's default landing page loads from a CDN.
      ApolloServerPluginLandingPageDisabled(),
      // Its willResolveField hook makes Apollo wrap every field resolver, thousands of calls per usage query, only to
      // compute hints the schema never sets.
      ApolloServerPluginCacheControlDisabled(),
      // Before the query limits: a document off the list is refused before it is priced or charged.
      ...(config.persistedQueriesFile
        ? [persistedQueriesPlugin(loadPersistedQueries(config.persistedQueriesFile), config.persistedQueriesOnly)]
        : []),
      noStore,
      requestIdInErrors,
      subscriptionsOverWebSocket,
      queryLimitsPlugin(budgets),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();
  const context = async (req: FrontRequest): Promise<GraphQLContext> => {
    try {
      const principal = await authenticate(req, options.verifier);
      return {
        requestId: req.id,
        logger: req.log,
        principal,
        clientAddress: clientAddressOf(req),
        services: new RequestServices(options.dataSource, principal, {
          ...options.jobs,
          logger: req.log,
          requestId: req.id,
        }),
      };
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    }
  };
  return { apollo, context };
}
