import type { Refusal } from '../errors';
import { ALERT_KINDS, usesThreshold, type AlertRuleKind } from './alert-kinds';

export interface AlertRuleInput {
  usagePointId: string;
  kind: string;
  threshold?: string | null;
  days?: number | null;
}

/** Rules one usage point may have: enough for every kind at a few levels, not a way to fill the evaluator's pass. */
export const MAX_RULES_PER_USAGE_POINT = 20;
/** Largest threshold: above any household's or business's daily, weekly or monthly figure in kWh, m³ or currency. */
const MAX_THRESHOLD_DIGITS = 12;
/** Finest threshold: costs are kept to 1/100000 of the currency, usage values to a few decimals of their unit. */
const MAX_THRESHOLD_DECIMALS = 5;
export const MAX_DAYS = 365;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

const invalid = (argument: string, message: string): Refusal => ({ code: 'INVALID_INPUT', argument, message });

/** The input's problems, each naming its field; empty when the rule can be created. */
export function ruleInputRefusals(input: AlertRuleInput): Refusal[] {
  if (!(ALERT_KINDS as readonly string[]).includes(input.kind))
    return [invalid('kind', `kind must be one of ${ALERT_KINDS.join(', ')}`)];
  const kind = input.kind as AlertRuleKind;
  const refusals: Refusal[] = [];
  if (usesThreshold(kind)) {
    const refusal = thresholdRefusal(input.threshold);
    if (refusal) refusals.push(refusal);
    if (input.days != null)
      refusals.push(invalid('days', `days is only for DATA_MISSING rules; ${kind} compares the threshold`));
  } else {
    if (input.days == null || !Number.isInteger(input.days) || input.days < 1 || input.days > MAX_DAYS) {
      refusals.push(invalid('days', `a DATA_MISSING rule needs days, a whole number of days from 1 to ${MAX_DAYS}`));
    }
    if (input.threshold != null)
      refusals.push(
        invalid('threshold', 'a DATA_MISSING rule counts days without readings: give days, not a threshold'),
      );
  }
  return refusals;
}

function thresholdRefusal(threshold: string | null | undefined): Refusal | null {
  const rule = `a positive decimal with at most ${MAX_THRESHOLD_DIGITS} digits before the point and ${MAX_THRESHOLD_DECIMALS} after`;
  if (threshold == null)
    return invalid('threshold', `threshold is required: ${rule}, in the series' unit or the currency`);
  const match = DECIMAL.exec(threshold);
  const whole = match?.[1].replace(/^0+(?=\d)/, '') ?? '';
  if (
    !match ||
    whole.length > MAX_THRESHOLD_DIGITS ||
    (match[2]?.length ?? 0) > MAX_THRESHOLD_DECIMALS ||
    !/[1-9]/.test(threshold)
  ) {
    return invalid('threshold', `threshold must be ${rule}, got "${threshold}"`);
  }
  return null;
}
