import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import type { TokenVerifier } from '../auth/tokens';
import type { Config } from '../config';
import { bullQueueAccess } from '../jobs/queue-access';
import type { Logger } from '../logger';
import type { Queues } from '../queue/queues';
import { graphqlMetrics, timeHttpRequest } from '../metrics/http-metrics';
import type { PortalMetrics } from '../metrics/portal-metrics';
import { resolveUrlSigningKey } from '../auth/signing-key';
import { DOWNLOAD_PATH } from '../services/export/download';
import { adminSessionRoutes, requirePermission } from './admin-auth';
import { cimEndpoint } from './cim';
import { corsFor } from './cors';
import { downloadRoutes } from './download';
import { ESPI_REST_PATH } from '../espi';
import { espiRestRoutes } from './espi-rest';
import { StartupError } from '../startup-error';
import { DEMO_PAGE_PATH, demoPageRoutes } from './demo-page';
import { graphiqlAssets, graphiqlPage, GRAPHIQL_ASSET_PATH } from './graphiql';
import { inboxUpload, INBOX_UPLOAD_PATH } from './inbox-upload';
import { createGraphQLServer } from './graphql';
import { graphqlRoute, sendGraphQLError, type FrontRequest } from './graphql-route';
import { flatCharge } from './budgets';
import { sendJsonError } from './json-error';
import { CostBuckets, DEFAULT_QUERY_LIMITS } from './query-limits';
import { readinessHandler, type ReadinessCheck } from './readiness';
import { queueDashboard, QUEUE_DASHBOARD_PATH } from './queue-dashboard';
import type { LiveFeeds } from '../services/request-services';
import { startSubscriptionServer } from './subscriptions';
import { beginRequest, TRUSTED_PROXIES } from './request-context';

export interface HttpServerOptions {
  schema: GraphQLSchema;
  verifier: TokenVerifier;
  logger: Logger;
  production: boolean;
  readiness: Record<string, ReadinessCheck>;
  queues: Queues;
  metrics: PortalMetrics;
  config: Config;
  /** The portal database the GraphQL services read. */
  dataSource: DataSource;
  /** This process's feeds of committed changes, for GraphQL subscriptions. */
  live: LiveFeeds;
}

export interface RunningHttpServer {
  server: Server;
  url: string;
  stop(): Promise<void>;
}

function wantsHtml(req: Request): boolean {
  return req.method === 'GET' && req.accepts(['application/json', 'text/html']) === 'text/html';
}

export async function startHttpServer(
  options: HttpServerOptions,
  port: number,
  host: string,
): Promise<RunningHttpServer> {
  const app = express();
  app.disable('x-powered-by');
  // Express would hash every response body for an ETag; GraphQL answers are per caller and marked no-store anyway.
  app.set('etag', false);
  app.set('trust proxy', TRUSTED_PROXIES);
  // Requests arrive only once the server listens, after `front` is defined below.
  const server = createServer((req, res) => front(req, res));
  const cors = corsFor(options.config.corsOrigins);
  // One budget per principal, charged by every entry point that reads data or serves pages.
  // The composition root of the services' queue access: they see the QueueAccess, never the job processors.
  const queueAccess = bullQueueAccess(options.queues);
  const { budget } = options.config;
  const budgets = new CostBuckets({
    ...DEFAULT_QUERY_LIMITS,
    budgetPoints: budget.points,
    budgetRefillPerSecond: budget.refillPerSecond,
  });
  const { apollo, context } = await createGraphQLServer({
    ...options,
    budgets,
    httpServer: server,
    plugins: [graphqlMetrics(options.metrics)],
    jobs: { queueAccess, config: options.config },
  });
  const graphql = graphqlRoute(apollo, { limits: budgets.limits, context });
  const subscriptions = startSubscriptionServer(server, {
    ...options,
    budgets,
    jobs: { queueAccess, config: options.config },
  });
  const opsOnly = [requirePermission(options.verifier, 'readOperations'), flatCharge(budgets)];

  app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
  app.get('/readyz', readinessHandler(options.readiness));
  // Queue names, job counts and pool sizes are operational detail, not for customers or the open internet;
  // Prometheus scrapes with a bearer token (an OPS token in its scrape config).
  app.get('/metrics', ...opsOnly, async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
  app.put(
    INBOX_UPLOAD_PATH,
    requirePermission(options.verifier, 'uploadToInbox'),
    flatCharge(budgets),
    inboxUpload(options),
  );
  app.use('/admin', adminSessionRoutes(options.verifier, options.production));
  app.use(QUEUE_DASHBOARD_PATH, ...opsOnly, queueDashboard(options.queues));
  app.use(GRAPHIQL_ASSET_PATH, graphiqlAssets());
  app.get('/graphql', (req, res, next) => (wantsHtml(req) ? res.type('html').send(graphiqlPage('/graphql')) : next()));
  app.use('/graphql', (req, res, next) => graphql(req, res).catch(next));
  if (options.config.demoPage) app.use(DEMO_PAGE_PATH, demoPageRoutes({ ...options, budgets }));
  app.post('/cim', cimEndpoint({ ...options, queueAccess, budgets }));
  app.use(DOWNLOAD_PATH, downloadRoutes(options.dataSource, resolveUrlSigningKey(options.config), budgets));
  app.use(
    ESPI_REST_PATH,
    espiRestRoutes({
      db: options.dataSource,
      verifier: options.verifier,
      budgets,
      publicBaseUrl: options.config.publicBaseUrl,
    }),
  );
  app.use((req, res) => sendJsonError(req, res, 404, 'NOT_FOUND', 'not found'));
  app.use((error: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) req.log.error({ err: error }, 'unhandled HTTP error');
    sendJsonError(
      req,
      res,
      status,
      status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST',
      status === 500 ? 'internal server error' : error.message,
    );
  });

  // Operations still running: a client that hung up leaves its operation running after its connection is gone, and
  // the drain (which waits for connections) would let the database close under it.
  const inFlight = new Set<Promise<void>>();
  // Every request is given its id, logger and timer here, once; POST /graphql, the API's main path, then goes straight
  // to Apollo, and everything else to the Express routes.
  const front = (req: IncomingMessage, res: ServerResponse) => {
    const request = req as FrontRequest;
    ({ id: request.id, log: request.log } = beginRequest(options.logger, req, res));
    timeHttpRequest(options.metrics, req, res);
    // Before any route: a preflight is answered here, and every answer to an allowed origin names it.
    if (cors(req, res)) return;
    const url = req.url ?? '';
    const mainPath =
      (url === '/graphql' || url.startsWith('/graphql?')) && req.method !== 'GET' && req.method !== 'HEAD';
    if (!mainPath) return void app(req, res);
    const answering = graphql(request, res)
      .catch((error: unknown) => {
        request.log.error({ err: error }, 'unhandled HTTP error');
        if (!res.headersSent) sendGraphQLError(request, res, 500, 'INTERNAL_SERVER_ERROR', 'internal server error');
        else res.destroy();
      })
      .finally(() => inFlight.delete(answering));
    inFlight.add(answering);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new StartupError(`PORT: ${host}:${port} is already in use`));
      else if (error.code === 'EACCES') reject(new StartupError(`PORT: no permission to listen on ${host}:${port}`));
      else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    server,
    url: `http://${shownHost}:${boundPort}`,
    async stop() {
      // Subscription sockets first: they stay open until closed, and the drain below waits for every connection.
      await subscriptions.stop();
      // apollo.stop() drains: it stops accepting connections and waits for in-flight requests.
      await apollo.stop();
      await Promise.all(inFlight);
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
