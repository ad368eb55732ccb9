import type { DataSource } from 'typeorm';
import { BULLMQ_PG_SCHEMA } from '../../queue/queues';
import type { MetricsAnchor } from './queue-state';

/**
 * prevTS and prevCount of one queue's metrics from BullMQ's PostgreSQL schema (bullmq 6.7 `metrics` table, keyed by
 * the bare queue name). Undefined when that table is not there: the Redis backend, whose getMetrics returns them.
 */
export async function readPostgresAnchor(
  db: DataSource,
  queue: string,
  kind: 'completed' | 'failed',
): Promise<MetricsAnchor | undefined> {
  const [table] = (await db.query(`SELECT to_regclass($1) AS name`, [`${BULLMQ_PG_SCHEMA}.metrics`])) as {
    name: string | null;
  }[];
  if (!table?.name) return undefined;
  const rows = (await db.query(
    `SELECT prev_ts::text AS "prevTS", prev_count::text AS "prevCount" FROM ${BULLMQ_PG_SCHEMA}.metrics WHERE queue = $1 AND kind = $2`,
    [queue, kind],
  )) as { prevTS: string | null; prevCount: string }[];
  return rows[0]?.prevTS ? { prevTS: Number(rows[0].prevTS), prevCount: Number(rows[0].prevCount) } : undefined;
}
