import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { openMigratedDatabase, type PortalDatabase } from './db/database';
import { createTokenVerifier } from './auth/tokens';
import { NotificationListener } from './db/notification-listener';
import { startHttpServer, type RunningHttpServer } from './http/app';
import { createQueueBackend, type QueueBackend } from './jobs/backend';
import { jobHandlers } from './jobs/handlers';
import { closeQueues, openQueues } from './jobs/queues';
import { assertSchedulersPresent, keepSchedules } from './jobs/schedule-keeper';
import { registerSchedules } from './jobs/schedules';
import { RECENT_JOBS_KEPT, wakeOnNotify, type QueueWaker } from './jobs/queue-waker';
import { ALERTS_EVALUATE, WEBHOOK_RELAY } from './queue/job-data';
import { USAGE_CHANGE_CHANNEL } from './services/events/usage-changes';
import { EVENT_CHANNEL } from './services/webhooks/relay';
import { ODS_EXTRACT } from './queue/job-data';
import type { Queues } from './queue/queues';
import { startWorkers, type RunningWorkers } from './jobs/workers';
import type { Logger } from './logger';
import { createPortalMetrics, registerStateCollectors, type PortalMetrics } from './metrics/portal-metrics';
import { ensureDemoOds, isDemoOds, odsConfigured } from './ods/database';
import { buildPortalSchema } from './resolvers/build-schema';
import { sweepOrphanedSpool } from './services/cim/spool';
import { usageUpdateFeed } from './services/events/usage-updates';
import { alertFeed } from './services/alerts/alert-feed';
import { loadTariffFiles, type TariffFileOutcome } from './services/tariffs/tariff-files';

/** `serve` runs everything in one process; `api` and `worker` split it for scaling out. */
export type ProcessRole = 'serve' | 'api' | 'worker';

export interface RunningSystem {
  database: PortalDatabase;
  backend: QueueBackend;
  queues: Queues;
  metrics: PortalMetrics;
  http?: RunningHttpServer;
  workers?: RunningWorkers;
  stop(): Promise<void>;
}

export async function startSystem(role: ProcessRole, config: Config, logger: Logger): Promise<RunningSystem> {
  // Undo in reverse order whatever has started, also when a later step fails (a port in use must not leave the
  // embedded database running).
  const teardown: { name: string; run: () => Promise<void> }[] = [];
  // Each step is bounded: a dependency that never answers (a queue connection wedged on a Redis Cluster node) must not
  // keep the process from releasing the rest and exiting. The workers' step waits for running jobs up to the grace
  // period itself, hence the margin.
  const stepLimitMs = config.shutdownTimeoutMs + 5000;
  const stop = async () => {
    while (teardown.length > 0) {
      const step = teardown.pop() as (typeof teardown)[number];
      logger.debug({ step: step.name }, 'stopping');
      let timer: NodeJS.Timeout | undefined;
      const overdue = new Promise<'overdue'>((resolve) => (timer = setTimeout(() => resolve('overdue'), stepLimitMs)));
      const outcome = await Promise.race([
        step.run().catch((error) => logger.error({ err: error, step: step.name }, 'shutdown step failed')),
        overdue,
      ]);
      clearTimeout(timer);
      if (outcome === 'overdue')
        logger.error({ step: step.name, ms: stepLimitMs }, 'shutdown step did not finish in time; going on');
    }
  };
  try {
    const database = await openMigratedDatabase(config, logger, { applicationName: `usage-portal-${role}` });
    teardown.push({ name: 'database', run: () => database.close() });
    await loadTariffsOnStart(config, database.dataSource, logger);

    const backend = createQueueBackend(config, database.url);
    await backend.prepare();
    teardown.push({ name: 'queue backend', run: () => backend.close() });
    const problems = await backend.requirementProblems();
    if (problems.length > 0)
      logger.warn(
        { problems },
        'the queue backend is not configured as docs/operations.md (Redis) asks: it may lose jobs',
      );
    const queues = openQueues(backend);
    teardown.push({ name: 'queues', run: () => closeQueues(queues) });
    const metrics = createPortalMetrics();
    registerStateCollectors(metrics, queues, database.dataSource, config);

    // One LISTEN connection per process, whatever it serves: the wakers of its workers and its subscriptions.
    const listener = new NotificationListener(database.url, logger, `usage-portal-${role}-listen`);
    teardown.push({ name: 'notification listener', run: () => listener.stop() });
    const wakers: QueueWaker[] = [];

    let workers: RunningWorkers | undefined;
    if (role !== 'api') {
      workers = startWorkers(
        backend,
        jobHandlers,
        { dataSource: database.dataSource, config, logger, queues, backend },
        metrics,
      );
      const running = workers;
      teardown.push({ name: 'workers', run: () => running.close(config.shutdownTimeoutMs) });
      await registerSchedules(queues, config, logger);
      const keeper = keepSchedules(queues, backend, config, logger);
      teardown.push({ name: 'schedule keeper', run: () => keeper.stop() });
      wakers.push(
        wakeOnNotify(
          listener,
          EVENT_CHANNEL,
          () => queues.webhooks.add(WEBHOOK_RELAY, {}, RECENT_JOBS_KEPT),
          logger,
          'webhook relay',
        ),
        // A night's extract commits thousands of loads: one evaluation per quarter second picks them all up.
        wakeOnNotify(
          listener,
          USAGE_CHANGE_CHANNEL,
          () => queues.alerts.add(ALERTS_EVALUATE, {}, RECENT_JOBS_KEPT),
          logger,
          'alert evaluation',
          250,
        ),
      );
      teardown.push({
        name: 'queue wakers',
        run: async () => {
          await Promise.all(wakers.map((w) => w.stop()));
        },
      });
      startDemoOds(config, database.url, logger, queues);
    }
    await listener.start();
    for (const waker of wakers) waker.wake();

    let http: RunningHttpServer | undefined;
    if (role !== 'worker') {
      await sweepCimSpool(config, queues, logger);
      const live = {
        usage: usageUpdateFeed(database.dataSource, listener, logger),
        alerts: alertFeed(database.dataSource, listener, logger),
      };
      http = await startHttpServer(
        {
          schema: await buildPortalSchema(),
          verifier: createTokenVerifier(config),
          logger,
          production: config.production,
          dataSource: database.dataSource,
          readiness: {
            database: async () => void (await database.dataSource.query('SELECT 1')),
            queue: () => backend.ping(),
            // Only where this process keeps the schedules: an `api` process serves its requests without them, and
            // a lost schedule must not take it out of the load balancer (the metric reports it there).
            ...(workers ? { schedulers: () => assertSchedulersPresent(queues, config) } : {}),
          },
          queues,
          metrics,
          config,
          live,
        },
        config.port,
        config.host,
      );
      const running = http;
      teardown.push({ name: 'http', run: () => running.stop() });
      logger.info(
        { url: running.url, graphql: `${running.url}/graphql`, queueBackend: backend.kind },
        'usage-portal is serving',
      );
    }
    return { database, backend, queues, metrics, http, workers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Tariff files are loaded at every start (an upsert: unchanged files change nothing); a bad file is skipped, loudly. */
async function loadTariffsOnStart(config: Config, dataSource: DataSource, logger: Logger): Promise<void> {
  let outcomes: TariffFileOutcome[];
  try {
    outcomes = await loadTariffFiles(dataSource, [config.tariffPath]);
  } catch (error) {
    logger.warn(
      { err: error, path: config.tariffPath },
      'tariff files not loaded: the API shows the tariffs loaded before',
    );
    return;
  }
  for (const { file, error } of outcomes) if (error) logger.error({ file, reason: error }, 'tariff file refused');
  logger.info({ path: config.tariffPath, versions: outcomes.flatMap((o) => o.versions).length }, 'tariffs loaded');
}

/** /cim bodies left by a process killed between spooling and queuing them; a failed sweep does not stop the start. */
async function sweepCimSpool(config: Config, queues: Queues, logger: Logger): Promise<void> {
  try {
    const removed = await sweepOrphanedSpool(config.inboxDir, queues.imports);
    if (removed.length) logger.warn({ removed }, 'removed orphaned CIM spool files');
  } catch (error) {
    logger.warn({ err: error }, 'CIM spool not swept; the next start tries again');
  }
}

/**
 * Embedded mode without ODS_DATABASE_URL: the demo ODS is created and seeded on first start, in the background (a
 * year of data takes minutes; serving must not wait). The seed is one transaction, so a stop half-way leaves nothing
 * and the next start seeds again.
 */
function startDemoOds(config: Config, portalUrl: string, logger: Logger, queues: Queues): void {
  if (isDemoOds(config)) {
    ensureDemoOds(portalUrl, logger)
      // A newcomer should see usage in the API today, not after tonight's scheduled extract.
      .then(
        (seeded) =>
          seeded && queues['ods-extract'].add(ODS_EXTRACT, {}, { deduplication: { id: `${ODS_EXTRACT}-first-start` } }),
      )
      .catch((error) => logger.warn({ err: error }, 'demo ODS not seeded; the next start tries again'));
  } else if (!odsConfigured(config)) {
    logger.info('ODS extract disabled: ODS_DATABASE_URL is unset and DATABASE_URL names an external server');
  }
}
