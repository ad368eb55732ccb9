import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { QueueBackendKind } from '../../src/jobs/backend';

export interface QueueBackendCase {
  kind: QueueBackendKind;
  /** Why this test run cannot use the backend; undefined when it can. */
  unavailable?: string;
  /**
   * The environment that puts the system under test on this backend (REDIS_URL, REDIS_CLUSTER_NODES; nothing on
   * PostgreSQL) with a QUEUE_PREFIX of its own starting with `label`, in a {hash tag} where the backend needs one.
   */
  settings(label?: string): Record<string, string>;
}

/**
 * Every BullMQ backend, with the settings of the servers this test run has: scripts/test.mjs sets TEST_REDIS_URL and
 * TEST_REDIS_CLUSTER_NODES when it found or started a Redis and a Redis Cluster.
 */
export function queueBackendsUnderTest(): QueueBackendCase[] {
  const prefix = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;
  const redisUrl = process.env.TEST_REDIS_URL;
  const clusterNodes = process.env.TEST_REDIS_CLUSTER_NODES;
  return [
    { kind: 'postgres', settings: (label = 'test') => ({ QUEUE_PREFIX: prefix(label) }) },
    {
      kind: 'redis',
      unavailable: redisUrl
        ? undefined
        : 'no Redis for this run: no redis-server on PATH and REDIS_URL unset (TEST_REDIS_URL unset)',
      settings: (label = 'test') => ({ REDIS_URL: redisUrl ?? '', QUEUE_PREFIX: prefix(label) }),
    },
    {
      kind: 'cluster',
      unavailable: clusterNodes
        ? undefined
        : 'no Redis Cluster for this run: no redis-server and redis-cli on PATH and REDIS_CLUSTER_NODES unset (TEST_REDIS_CLUSTER_NODES unset)',
      settings: (label = 'test') => ({ REDIS_CLUSTER_NODES: clusterNodes ?? '', QUEUE_PREFIX: `{${prefix(label)}}` }),
    },
  ];
}

/** Declares the suite once per BullMQ backend; a backend this run does not have is skipped, and says why. */
export function describeOnEachQueueBackend(
  title: string,
  options: { timeout: number },
  body: (backend: QueueBackendCase) => void,
): void {
  for (const backend of queueBackendsUnderTest()) {
    describe(`${title} on the ${backend.kind} backend`, options, () => {
      if (backend.unavailable) {
        it(`is skipped: ${backend.unavailable}`, (t) => t.skip(backend.unavailable));
        return;
      }
      body(backend);
    });
  }
}
