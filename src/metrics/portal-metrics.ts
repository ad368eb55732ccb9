import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { poolOf } from '../db/pool';
import { registerImportCollectors } from './import-metrics';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { countJobs, type Queues } from '../queue/queues';
import { expectedSchedulers, missingSchedulers } from '../jobs/schedules';

/** One registry per running system, so tests that start several systems in one process do not share series. */
export interface PortalMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  graphqlDuration: Histogram<'operation' | 'type'>;
  graphqlErrors: Counter<'operation' | 'code'>;
  jobDuration: Histogram<'queue' | 'job' | 'outcome'>;
}

export function createPortalMetrics(): PortalMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'usage_portal_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'usage_portal_http_request_duration_seconds',
      help: 'HTTP request duration by method, matched route and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'usage_portal_graphql_operation_duration_seconds',
      help: 'GraphQL operation duration by operation name and type.',
      labelNames: ['operation', 'type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    graphqlErrors: new Counter({
      name: 'usage_portal_graphql_errors_total',
      help: 'GraphQL errors by operation name and error code.',
      labelNames: ['operation', 'code'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'usage_portal_job_duration_seconds',
      help: 'Time a job spent processing, by queue, job name and outcome.',
      labelNames: ['queue', 'job', 'outcome'],
      buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
      registers: [registry],
    }),
  };
}

/** Gauges read at scrape time, so /metrics shows the queues and the pool as they are now. */
export function registerStateCollectors(
  metrics: PortalMetrics,
  queues: Queues,
  dataSource: DataSource,
  config: Config,
): void {
  new Gauge({
    name: 'usage_portal_queue_jobs',
    help: 'Jobs in each queue by state.',
    labelNames: ['queue', 'state'],
    registers: [metrics.registry],
    async collect() {
      await Promise.all(
        Object.entries(queues).map(async ([name, queue]) => {
          const counts = await countJobs(queue);
          for (const [state, count] of Object.entries(counts)) this.set({ queue: name, state }, count);
        }),
      );
    },
  });
  new Gauge({
    name: 'usage_portal_queue_paused',
    help: '1 when the queue is paused.',
    labelNames: ['queue'],
    registers: [metrics.registry],
    async collect() {
      await Promise.all(
        Object.entries(queues).map(async ([name, queue]) =>
          this.set({ queue: name }, (await queue.isPaused()) ? 1 : 0),
        ),
      );
    },
  });
  new Gauge({
    name: 'usage_portal_job_schedulers_missing',
    help: '1 when a Job Scheduler this configuration expects is missing from the queue backend (workers register it again within a minute).',
    labelNames: ['queue', 'scheduler'],
    registers: [metrics.registry],
    async collect() {
      const missing = await missingSchedulers(queues, config);
      for (const { queue, id } of expectedSchedulers(config)) {
        this.set({ queue, scheduler: id }, missing.some((m) => m.queue === queue && m.id === id) ? 1 : 0);
      }
    },
  });
  registerImportCollectors(metrics.registry, queues, dataSource);
  // The pool's counters are what pool exhaustion looks like.
  const pool = () => poolOf(dataSource);
  new Gauge({
    name: 'usage_portal_db_pool_connections',
    help: 'Portal database pool connections by state (total, idle, waiting clients).',
    labelNames: ['state'],
    registers: [metrics.registry],
    collect() {
      const p = pool();
      if (!p) return;
      this.set({ state: 'total' }, p.totalCount);
      this.set({ state: 'idle' }, p.idleCount);
      this.set({ state: 'waiting' }, p.waitingCount);
    },
  });
}
