import type { BillForecastService } from '../billing/bill-forecast.service';
import { decimalDifference } from '../usage/decimal-change';
import { periodEdges, Resolution } from '../usage/periods';
import { MAX_BUCKETS } from '../usage/usage-query';
import type { UsageService } from '../usage/usage.service';
import { ZoneClock } from '../usage/zone-clock';
import { isPeriodKind, PERIOD_FIGURE, type AlertRuleKind } from './alert-kinds';
import type { Crossing } from './raise';

/** A threshold rule to evaluate (DATA_MISSING has its own pass, data-missing.ts). */
export interface ThresholdRule {
  id: string;
  usagePointId: string;
  kind: AlertRuleKind;
  threshold: string;
}

/** The local days a usage point's changes wrote: [from, to) from the start of the first to the end of the last. */
export interface ChangedWindow {
  usagePointId: string;
  timeZone: string;
  from: number;
  to: number;
}

export interface MeasuringServices {
  usage: UsageService;
  billForecasts: BillForecastService;
}

/** Strictly above: a figure equal to the threshold is not over it. */
export function isAbove(value: string, threshold: string): boolean {
  const difference = decimalDifference(value, threshold);
  return !difference.startsWith('-') && /[1-9]/.test(difference);
}

const WEEK_MS = 7 * 86_400_000;

/**
 * The crossings of one usage point's threshold rules over what its changes touched: each local day (or ISO week, in
 * the point's zone) of the window whose usage or cost is above a rule's threshold, and the open billing cycle when
 * the window reaches into it and its projected cost is above. Figures come from the usage and forecast services,
 * exact decimals as the API shows them.
 */
export async function crossingsIn(
  services: MeasuringServices,
  window: ChangedWindow,
  rules: readonly ThresholdRule[],
  now: number,
): Promise<Crossing[]> {
  const crossings: Crossing[] = [];
  const cross = (rule: ThresholdRule, periodStart: number, periodEnd: number, value: string | null) => {
    if (value !== null && isAbove(value, rule.threshold)) {
      crossings.push({
        ruleId: rule.id,
        usagePointId: rule.usagePointId,
        kind: rule.kind,
        periodStart: new Date(periodStart),
        periodEnd: new Date(periodEnd),
        value,
        threshold: rule.threshold,
      });
    }
  };
  for (const resolution of [Resolution.DAY, Resolution.WEEK] as const) {
    const periodRules = rules.filter(
      (rule) => isPeriodKind(rule.kind) && PERIOD_FIGURE[rule.kind].resolution === resolution,
    );
    if (periodRules.length === 0) continue;
    for (const bucket of await periodsOf(services.usage, window, resolution)) {
      for (const rule of periodRules)
        cross(
          rule,
          bucket.start.getTime(),
          bucket.end.getTime(),
          PERIOD_FIGURE[rule.kind as keyof typeof PERIOD_FIGURE].figure === 'value' ? bucket.value : bucket.cost,
        );
    }
  }
  const billRules = rules.filter((rule) => rule.kind === 'BILL_PROJECTED_ABOVE');
  if (billRules.length > 0) {
    const forecast = await services.billForecasts.forecast(window.usagePointId, null, now);
    const cost = forecast?.status === 'PROJECTED' ? (forecast.projected?.cost ?? null) : null;
    // Only when the changes wrote readings of the cycle so far: older data leaves the projection as it was.
    if (forecast && window.to > forecast.periodStart.getTime() && window.from < forecast.asOf.getTime()) {
      for (const rule of billRules) cross(rule, forecast.periodStart.getTime(), forecast.periodEnd.getTime(), cost);
    }
  }
  return crossings;
}

/**
 * The whole local periods covering the window (a week from its Monday, also when the window starts mid-week), read in
 * pieces of at most the buckets one usage() call may return.
 */
async function periodsOf(usage: UsageService, window: ChangedWindow, resolution: Resolution.DAY | Resolution.WEEK) {
  const clock = new ZoneClock(window.timeZone, window.from - WEEK_MS, window.to + WEEK_MS);
  // Edges over a week more on either side: the first real edge at or before `from` starts its week, and likewise.
  const edges =
    resolution === Resolution.DAY
      ? periodEdges(clock, window.from, window.to, Resolution.DAY)
      : weekEdges(clock, window.from, window.to);
  const buckets = [];
  const step = MAX_BUCKETS[resolution] - 10;
  for (let i = 0; i < edges.length - 1; i += step) {
    const from = new Date(edges[i]);
    const to = new Date(edges[Math.min(i + step, edges.length - 1)]);
    const series = await usage.usage(window.usagePointId, { from, to, resolution, timeZone: window.timeZone });
    if (series) buckets.push(...series.buckets);
  }
  return buckets;
}

/** Edges of the ISO weeks covering [from, to), from the Monday on or before `from` to the one after `to`'s last day. */
function weekEdges(clock: ZoneClock, from: number, to: number): number[] {
  const around = periodEdges(clock, from - WEEK_MS, to + WEEK_MS, Resolution.WEEK);
  const weeks = around.slice(1, -1);
  const first = weeks.findLastIndex((t) => t <= from);
  const last = weeks.findIndex((t) => t >= to);
  return weeks.slice(first, last + 1);
}
