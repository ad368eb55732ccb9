/** What an alert rule watches; docs/api.md, "Alerts", describes each. */
export const ALERT_KINDS = [
  'DAILY_USAGE_ABOVE',
  'DAILY_COST_ABOVE',
  'WEEKLY_USAGE_ABOVE',
  'WEEKLY_COST_ABOVE',
  'BILL_PROJECTED_ABOVE',
  'DATA_MISSING',
] as const;
export type AlertRuleKind = (typeof ALERT_KINDS)[number];

/** Thresholds of the kinds that compare a figure; DATA_MISSING counts `days` instead. */
export const usesThreshold = (kind: AlertRuleKind) => kind !== 'DATA_MISSING';

/** The local periods a threshold kind compares, and which figure of them. */
export const PERIOD_FIGURE = {
  DAILY_USAGE_ABOVE: { resolution: 'DAY', figure: 'value' },
  DAILY_COST_ABOVE: { resolution: 'DAY', figure: 'cost' },
  WEEKLY_USAGE_ABOVE: { resolution: 'WEEK', figure: 'value' },
  WEEKLY_COST_ABOVE: { resolution: 'WEEK', figure: 'cost' },
} as const satisfies Partial<Record<AlertRuleKind, { resolution: 'DAY' | 'WEEK'; figure: 'value' | 'cost' }>>;

export type PeriodKind = keyof typeof PERIOD_FIGURE;

export const isPeriodKind = (kind: string): kind is PeriodKind => Object.hasOwn(PERIOD_FIGURE, kind);

/** Channel of the NOTIFY sent in the transaction that raises an alert; its payload is the alert's database id. */
export const ALERT_CHANNEL = 'usage_portal_alert';
