import { registerEnumType } from 'type-graphql';

export enum AlertKind {
  DAILY_USAGE_ABOVE = 'DAILY_USAGE_ABOVE',
  DAILY_COST_ABOVE = 'DAILY_COST_ABOVE',
  WEEKLY_USAGE_ABOVE = 'WEEKLY_USAGE_ABOVE',
  WEEKLY_COST_ABOVE = 'WEEKLY_COST_ABOVE',
  BILL_PROJECTED_ABOVE = 'BILL_PROJECTED_ABOVE',
  DATA_MISSING = 'DATA_MISSING',
}

registerEnumType(AlertKind, {
  name: 'AlertKind',
  description:
    "What an alert rule watches. Thresholds are in the delivered series' unit (usage) or its currency (cost); periods are local to the usage point's time zone.",
  valuesConfig: {
    DAILY_USAGE_ABOVE: { description: 'A local day whose usage is above the threshold.' },
    DAILY_COST_ABOVE: { description: 'A local day whose cost is above the threshold.' },
    WEEKLY_USAGE_ABOVE: {
      description: 'An ISO week (Monday to Sunday, local) whose usage so far is above the threshold.',
    },
    WEEKLY_COST_ABOVE: {
      description: 'An ISO week (Monday to Sunday, local) whose cost so far is above the threshold.',
    },
    BILL_PROJECTED_ABOVE: {
      description: "The open billing cycle's projected cost (UsagePoint.billForecast) above the threshold.",
    },
    DATA_MISSING: { description: 'No reading for more than `days` days.' },
  },
});
