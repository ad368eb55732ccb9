import type { PoolClient } from 'pg';
import { toGlobalId } from '../access/global-id';
import { ALERT_CHANNEL, type AlertRuleKind } from './alert-kinds';
import { alertColumns } from './records';

/** A rule's figure above its threshold over one period. */
export interface Crossing {
  ruleId: string;
  usagePointId: string;
  kind: AlertRuleKind;
  periodStart: Date;
  periodEnd: Date;
  value: string;
  threshold: string;
}

/**
 * Raises the crossings not raised before, in the caller's transaction: one alert per rule and period (the unique key
 * drops the others), an ALERT_RAISED event for each in the outbox with the usage point's customer, and a NOTIFY on
 * ALERT_CHANNEL that PostgreSQL sends at commit, never for a rolled-back pass. Returns the new alerts' ids.
 */
export async function raiseAlerts(client: PoolClient, crossings: readonly Crossing[]): Promise<string[]> {
  if (crossings.length === 0) return [];
  const column = <K extends keyof Crossing>(key: K) => crossings.map((c) => c[key]);
  // Rules deleted since they were measured raise nothing.
  const { rows: raised } = await client.query<Crossing & { id: string; raisedAt: Date }>(
    `INSERT INTO alert (rule_id, usage_point_id, kind, period_start, period_end, value, threshold)
     SELECT c.rule_id, c.usage_point_id, c.kind, c.period_start, c.period_end, c.value, c.threshold
       FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::numeric[], $7::numeric[])
            AS c (rule_id, usage_point_id, kind, period_start, period_end, value, threshold)
       JOIN alert_rule r ON r.id = c.rule_id
      ORDER BY c.rule_id, c.period_start
     ON CONFLICT (rule_id, period_start) DO NOTHING
     RETURNING ${alertColumns('')}`,
    [
      column('ruleId'),
      column('usagePointId'),
      column('kind'),
      column('periodStart'),
      column('periodEnd'),
      column('value'),
      column('threshold'),
    ],
  );
  if (raised.length === 0) return [];
  raised.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  const payloads = raised.map((a) => ({
    alertId: toGlobalId('Alert', a.id),
    ruleId: toGlobalId('AlertRule', a.ruleId),
    kind: a.kind,
    threshold: a.threshold,
    value: a.value,
    periodStart: a.periodStart.toISOString(),
    periodEnd: a.periodEnd.toISOString(),
    raisedAt: a.raisedAt.toISOString(),
  }));
  await client.query(
    `INSERT INTO event_outbox (kind, usage_point_id, customer_id, payload)
     SELECT 'ALERT_RAISED', e.usage_point_id, ca.customer_id, e.payload
       FROM unnest($1::bigint[], $2::jsonb[]) WITH ORDINALITY AS e (usage_point_id, payload, n)
       JOIN usage_point u ON u.id = e.usage_point_id LEFT JOIN customer_account ca ON ca.id = u.customer_account_id
      ORDER BY e.n`,
    [raised.map((a) => a.usagePointId), payloads.map((p) => JSON.stringify(p))],
  );
  const ids = raised.map((a) => a.id);
  await client.query(`SELECT pg_notify('${ALERT_CHANNEL}', id) FROM unnest($1::text[]) AS id`, [ids]);
  return ids;
}
