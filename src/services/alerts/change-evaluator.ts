import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { transaction } from '../../db/pool';
import { Role } from '../../auth/roles';
import type { Logger } from '../../logger';
import { AccessScope } from '../access/access-scope';
import { BillForecastService } from '../billing/bill-forecast.service';
import { Directory } from '../customers/directory';
import { UsageService } from '../usage/usage.service';
import { crossingsIn, type ChangedWindow, type MeasuringServices, type ThresholdRule } from './crossings';
import { raiseAlerts } from './raise';

/** The evaluator reads the whole change feed, as staff would. */
export const ALERT_EVALUATOR = { subject: 'alert-evaluator', role: Role.ADMIN } as const;

const WATERMARK = 'usage-changes';
/** Changes evaluated per transaction: a night's extract is read in passes that each commit their alerts. */
const CHANGES_PER_PASS = 500;
/** How long a pass waits for loads that are committing (see settledHorizon); past it, the next pass evaluates them. */
const SETTLE_TIMEOUT = '5s';
const LOCK_NOT_AVAILABLE = '55P03';

export interface EvaluationOutcome {
  changes: number;
  usagePoints: number;
  alerts: string[];
}

/**
 * The highest usage_change id below which every row is settled: committed (and visible now) or rolled back. Ids are
 * drawn when a load inserts its change, not when it commits, so a later id can be visible before an earlier one; a
 * watermark moved past the earlier one would skip it for good. A SHARE lock waits for the loads inserting changes to
 * commit (it conflicts with their ROW EXCLUSIVE lock, taken at the end of a load, just before its commit) and is let go
 * at once; every id drawn before it is then settled.
 */
async function settledHorizon(db: DataSource): Promise<string | null> {
  return transaction(db, async (client) => {
    await client.query(`SET LOCAL lock_timeout = '${SETTLE_TIMEOUT}'`);
    await client.query(`LOCK TABLE usage_change IN SHARE MODE`);
    const { rows } = await client.query<{ horizon: string | null }>(
      `SELECT max(id)::text AS horizon FROM usage_change`,
    );
    return rows[0].horizon;
  });
}

/**
 * Evaluates the threshold rules of the usage points that changed since the watermark, over the local days the changes
 * wrote, and raises their crossings in the transaction that moves the watermark: a crash evaluates the same changes
 * again, and the one-alert-per-rule-and-period key makes that harmless. Passes serialise on the watermark row.
 */
export async function evaluateChanges(db: DataSource, logger: Logger, now = Date.now()): Promise<EvaluationOutcome> {
  const outcome: EvaluationOutcome = { changes: 0, usagePoints: 0, alerts: [] };
  let horizon: string | null;
  try {
    horizon = await settledHorizon(db);
  } catch (error) {
    if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
    // A load still committing after SETTLE_TIMEOUT: its change and the later ones wait for the next evaluation.
    logger.info({ waitedFor: SETTLE_TIMEOUT }, 'alert evaluation deferred: a load is still committing');
    return outcome;
  }
  if (horizon === null) return outcome;
  await db.query(`INSERT INTO alert_watermark (name, change_id) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING`, [
    WATERMARK,
  ]);
  for (;;) {
    const pass = await transaction(db, (client) => evaluatePass(db, client, horizon, now));
    outcome.changes += pass.changes;
    outcome.usagePoints += pass.usagePoints;
    outcome.alerts.push(...pass.alerts);
    if (pass.changes < CHANGES_PER_PASS) break;
  }
  if (outcome.changes > 0) logger.info({ ...outcome, alerts: outcome.alerts.length }, 'alert rules evaluated');
  return outcome;
}

async function evaluatePass(
  db: DataSource,
  client: PoolClient,
  horizon: string,
  now: number,
): Promise<EvaluationOutcome> {
  const {
    rows: [{ changeId }],
  } = await client.query<{ changeId: string }>(
    `SELECT change_id::text AS "changeId" FROM alert_watermark WHERE name = $1 FOR UPDATE`,
    [WATERMARK],
  );
  const { rows: changed } = await client.query<{
    usagePointId: string;
    timeZone: string;
    from: Date;
    to: Date;
    last: string;
    changes: number;
  }>(
    `WITH c AS (SELECT * FROM usage_change WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3)
     SELECT c.usage_point_id::text AS "usagePointId", coalesce(u.time_zone, 'UTC') AS "timeZone",
            min(c.window_start) AS from, max(c.window_end) AS to, max(c.id)::text AS last, count(*)::int AS changes
       FROM c JOIN usage_point u ON u.id = c.usage_point_id GROUP BY 1, 2`,
    [changeId, horizon, CHANGES_PER_PASS],
  );
  if (changed.length === 0) return { changes: 0, usagePoints: 0, alerts: [] };
  const { rows: rules } = await client.query<ThresholdRule>(
    `SELECT id::text AS id, usage_point_id::text AS "usagePointId", kind, threshold::text AS threshold
       FROM alert_rule WHERE usage_point_id = ANY($1::bigint[]) AND kind <> 'DATA_MISSING' ORDER BY alert_rule.id`,
    [changed.map((c) => c.usagePointId)],
  );
  // Fresh services per pass: their loaders cache, and each pass must read the data as it is now.
  const services = measuringServices(db);
  const crossings = [];
  for (const point of changed) {
    const own = rules.filter((rule) => rule.usagePointId === point.usagePointId);
    if (own.length === 0) continue;
    const window: ChangedWindow = {
      usagePointId: point.usagePointId,
      timeZone: point.timeZone,
      from: point.from.getTime(),
      to: point.to.getTime(),
    };
    crossings.push(...(await crossingsIn(services, window, own, now)));
  }
  const alerts = await raiseAlerts(client, crossings);
  const last = changed.reduce((max, c) => (BigInt(c.last) > BigInt(max) ? c.last : max), changeId);
  await client.query(`UPDATE alert_watermark SET change_id = $2, updated_at = now() WHERE name = $1`, [
    WATERMARK,
    last,
  ]);
  return { changes: changed.reduce((sum, c) => sum + c.changes, 0), usagePoints: changed.length, alerts };
}

function measuringServices(db: DataSource): MeasuringServices {
  const directory = new Directory(db, AccessScope.of(ALERT_EVALUATOR));
  const usage = new UsageService(db, directory);
  return { usage, billForecasts: new BillForecastService(db, directory, usage) };
}
