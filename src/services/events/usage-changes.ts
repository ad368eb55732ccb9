import type { PoolClient } from 'pg';
import type { SeriesSpan } from '../import/readings';

// The change feed and its events, written by a load in its own transaction (after the rollups): the feed holds
// exactly the loads that committed, each event is in the outbox exactly when its data is, and the notification that
// wakes subscriptions is sent by PostgreSQL at commit (NOTIFY is transactional), never for a rolled-back load.

/** Channel of the NOTIFY sent per committed usage change; its payload is the usage_change id. */
export const USAGE_CHANGE_CHANNEL = 'usage_portal_usage_change';

export type UsageEventKind = 'USAGE_LOADED' | 'USAGE_REVISED';

/**
 * One usage_change per usage point the load wrote (its series summed), and its events: USAGE_LOADED when it added
 * readings, USAGE_REVISED when it changed stored ones (both when it did both).
 */
export async function recordUsageChanges(
  client: PoolClient,
  batchId: string | null,
  spans: readonly SeriesSpan[],
): Promise<void> {
  const written = spans.filter((s) => s.inserted + s.revised > 0);
  if (written.length === 0) return;
  await client.query(
    `WITH span AS (
       SELECT k.usage_point_id, min(k.lo) AS lo, max(k.hi) AS hi, sum(k.inserted)::int AS inserted, sum(k.revised)::int AS revised
         FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::int[], $6::int[]) AS k (usage_point_id, lo, hi, inserted, revised)
        GROUP BY 1),
     day AS (
       SELECT s.*, coalesce(u.time_zone, 'UTC') AS tz, a.customer_id,
              (to_timestamp(s.lo) AT TIME ZONE coalesce(u.time_zone, 'UTC'))::date AS first_day,
              (to_timestamp(s.hi) AT TIME ZONE coalesce(u.time_zone, 'UTC'))::date AS last_day
         FROM span s JOIN usage_point u ON u.id = s.usage_point_id LEFT JOIN customer_account a ON a.id = u.customer_account_id),
     change AS (
       INSERT INTO usage_change (usage_point_id, batch_id, first_day, last_day, window_start, window_end, inserted, revised)
       SELECT usage_point_id, $1, first_day, last_day, first_day::timestamp AT TIME ZONE tz, (last_day + 1)::timestamp AT TIME ZONE tz, inserted, revised
         FROM day ORDER BY usage_point_id
       RETURNING id, usage_point_id, batch_id, committed_at, first_day, last_day, window_start, window_end, inserted, revised),
     event AS (
       INSERT INTO event_outbox (kind, usage_point_id, customer_id, batch_id, payload)
       SELECT e.kind, c.usage_point_id, d.customer_id, c.batch_id,
              jsonb_build_object('changeId', c.id::text, 'firstDay', c.first_day, 'lastDay', c.last_day,
                                 'from', c.window_start, 'to', c.window_end, 'inserted', c.inserted, 'revised', c.revised)
         FROM change c JOIN day d USING (usage_point_id)
         CROSS JOIN LATERAL (VALUES ('USAGE_LOADED', c.inserted > 0), ('USAGE_REVISED', c.revised > 0)) e (kind, happened)
        WHERE e.happened
        ORDER BY c.id, e.kind)
     SELECT pg_notify('${USAGE_CHANGE_CHANNEL}', id::text) FROM change`,
    [
      batchId,
      written.map((s) => s.usagePointId),
      written.map((s) => s.from),
      written.map((s) => s.to),
      written.map((s) => s.inserted),
      written.map((s) => s.revised),
    ],
  );
}
