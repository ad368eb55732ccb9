import type { ApolloServerPlugin } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PortalMetrics } from './portal-metrics';

/** Labels by route prefix, never the raw path, so ids in URLs cannot explode the series count. */
// Most specific first. A fixed list keeps the label set small whatever paths clients send.
const ROUTES = ['/healthz', '/readyz', '/metrics', '/graphql', '/graphiql', '/admin/queues', '/admin'];

function routeOf(url: string): string {
  const path = url.split('?')[0];
  return ROUTES.find((route) => path === route || path.startsWith(`${route}/`)) ?? 'other';
}

/** Times one HTTP request until its response is sent (the front, app.ts, runs it for every request). */
export function timeHttpRequest(
  metrics: PortalMetrics,
  req: IncomingMessage,
  res: ServerResponse,
  url = req.url ?? '',
): void {
  const end = metrics.httpDuration.startTimer();
  res.on('finish', () => {
    const route = res.statusCode === 404 ? 'unmatched' : routeOf(url);
    end({ method: req.method, route, status: String(res.statusCode) });
  });
}

// Operation names come from clients; past this many distinct names, new ones share one label value so that a
// client inventing names cannot grow the series without bound.
const MAX_OPERATION_NAMES = 200;

const operationNamesSeen = new WeakMap<PortalMetrics, Set<string>>();

/** The operation's label, shared by every path that serves operations to one registry. */
function operationLabel(metrics: PortalMetrics, name: string): string {
  let seen = operationNamesSeen.get(metrics);
  if (!seen) operationNamesSeen.set(metrics, (seen = new Set()));
  if (seen.has(name)) return name;
  if (seen.size >= MAX_OPERATION_NAMES || !/^[A-Za-z_][A-Za-z0-9_]{0,99}$/.test(name)) return 'other';
  seen.add(name);
  return name;
}

export function graphqlMetrics(metrics: PortalMetrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const end = metrics.graphqlDuration.startTimer();
      return {
        async willSendResponse({ operationName, operation, request, response }) {
          // A request that fails validation never resolves an operation; the name the client sent still says what it
          // was.
          const name = operationLabel(metrics, operationName ?? request.operationName ?? 'anonymous');
          end({ operation: name, type: operation?.operation ?? 'unknown' });
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          for (const error of errors ?? []) {
            const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR';
            metrics.graphqlErrors.inc({ operation: name, code });
          }
        },
      };
    },
  };
}
