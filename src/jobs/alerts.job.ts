import { evaluateChanges } from '../services/alerts/change-evaluator';
import { evaluateDataMissing } from '../services/alerts/data-missing';
import type { JobHandler } from './workers';

/** Alert rules of the usage points changed since the last evaluation (src/services/alerts/change-evaluator.ts). */
export const alertsEvaluateJob: JobHandler = async (_job, { dataSource, logger }) => {
  const { changes, usagePoints, alerts } = await evaluateChanges(dataSource, logger);
  return { changes, usagePoints, alerts: alerts.length };
};

/** DATA_MISSING rules, once a day. */
export const alertsDataMissingJob: JobHandler = async (_job, { dataSource, logger }) => ({
  alerts: (await evaluateDataMissing(dataSource, logger)).length,
});
