import { evaluateChanges } from '../services/alerts/change-evaluator';
import { evaluateDataMissing } from '../services/alerts/data-missing';
import type { JobHandler } from './workers';

/** Evaluations run every 30 s and after every load: only the latest hundred are kept. */
export const ALERT_JOB_RETENTION = { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };

/** Alert rules of the usage points changed since the last evaluation (src/services/alerts/change-evaluator.ts). */
export const alertsEvaluateJob: JobHandler = async (_job, { dataSource, logger }) => {
  const { changes, usagePoints, alerts } = await evaluateChanges(dataSource, logger);
  return { changes, usagePoints, alerts: alerts.length };
};

/** DATA_MISSING rules, once a day. */
export const alertsDataMissingJob: JobHandler = async (_job, { dataSource, logger }) => ({ alerts: (await evaluateDataMissing(dataSource, logger)).length });
