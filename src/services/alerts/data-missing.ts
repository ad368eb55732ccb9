import type { DataSource } from 'typeorm';
import { transaction } from '../../db/pool';
import type { Logger } from '../../logger';
import type { Crossing } from './raise';
import { raiseAlerts } from './raise';

const DAY_MS = 86_400_000;

/**
 * The daily pass of DATA_MISSING rules, and of them only: a rule whose usage point's latest reading ended more than
 * `days` days ago (or, without readings, whose creation is that old) raises one alert for that gap, keyed by where
 * the gap starts, so the next passes raise nothing until readings arrive and stop again.
 */
export async function evaluateDataMissing(db: DataSource, logger: Logger, now = Date.now()): Promise<string[]> {
  const alerts = await transaction(db, async (client) => {
    const { rows: gaps } = await client.query<{ ruleId: string; usagePointId: string; days: number; since: Date }>(
      `SELECT r.id::text AS "ruleId", r.usage_point_id::text AS "usagePointId", r.days, coalesce(max(l.end), r.created_at) AS since
         FROM alert_rule r
         LEFT JOIN meter_reading m ON m.usage_point_id = r.usage_point_id
         LEFT JOIN LATERAL (
           SELECT i.start + i.duration * interval '1 second' AS end FROM interval_reading i
            WHERE i.usage_point_id = m.usage_point_id AND i.meter_reading_id = m.id ORDER BY i.start DESC LIMIT 1) l ON true
        WHERE r.kind = 'DATA_MISSING'
        GROUP BY r.id
       HAVING coalesce(max(l.end), r.created_at) < $1::timestamptz - r.days * interval '1 day'`,
      [new Date(now)],
    );
    const crossings: Crossing[] = gaps.map((gap) => ({
      ruleId: gap.ruleId,
      usagePointId: gap.usagePointId,
      kind: 'DATA_MISSING',
      periodStart: gap.since,
      periodEnd: new Date(now),
      // Days without readings, to the hundredth.
      value: ((now - gap.since.getTime()) / DAY_MS).toFixed(2),
      threshold: String(gap.days),
    }));
    return raiseAlerts(client, crossings);
  });
  logger.info({ alerts: alerts.length }, 'data-missing rules evaluated');
  return alerts;
}
