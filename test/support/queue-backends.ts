import { describe, it } from 'node:test';

export interface QueueBackendCase {
  kind: 'postgres' | 'redis';
  /** REDIS_URL for the system under test; undefined on the PostgreSQL backend. */
  redisUrl?: string;
}

/**
 * Declares the suite once per BullMQ backend. The Redis run is skipped, and says so, when this test run has no Redis
 * (scripts/test.mjs sets TEST_REDIS_URL when it found or started one).
 */
export function describeOnEachQueueBackend(title: string, options: { timeout: number }, body: (backend: QueueBackendCase) => void): void {
  const redisUrl = process.env.TEST_REDIS_URL;
  const backends: QueueBackendCase[] = [{ kind: 'postgres' }, { kind: 'redis', redisUrl }];
  for (const backend of backends) {
    describe(`${title} on the ${backend.kind} backend`, options, () => {
      if (backend.kind === 'redis' && !redisUrl) {
        it('is skipped: no Redis for this run (TEST_REDIS_URL unset)', (t) => t.skip('no redis-server on PATH and REDIS_URL unset'));
        return;
      }
      body(backend);
    });
  }
}
