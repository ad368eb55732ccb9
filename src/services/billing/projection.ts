// The bill forecast's projection, pure arithmetic over daily figures (docs/api.md, "Bill to date and forecast"): the
// rest of the cycle at the same-weekday averages of the last four weeks, its range from how far single days strayed
// from their weekday's average.

/** A local day of the lookback window. */
export interface WindowDay {
  /** 0 = Sunday … 6 = Saturday, local. */
  weekday: number;
  value: number;
  /** Whether every expected reading of the day is there: a day with gaps would pull the averages down. */
  complete: boolean;
}

/** A local day (or the part of one) still to come in the cycle. */
export interface RemainingDay {
  weekday: number;
  /** Share of the day's length still to come (the rest of today, 1 for a whole day). */
  fraction: number;
}

export interface Projection {
  /** Usage expected over the remaining days, before any adjustment for last year. */
  remaining: number;
  /** The 10th and 90th percentile of the complete days' value over their weekday's average. */
  lowRatio: number;
  highRatio: number;
  /** Complete days the averages stand on. */
  days: number;
}

/** Fewer complete days than this in the window and the projection would be a guess. */
export const MIN_COMPLETE_DAYS = 3;

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Nearest-rank percentile of ascending values. */
const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

/** Null with fewer than MIN_COMPLETE_DAYS complete days; a weekday without one takes the mean of all of them. */
export function weekdayProjection(window: WindowDay[], remaining: RemainingDay[]): Projection | null {
  const complete = window.filter((day) => day.complete);
  if (complete.length < MIN_COMPLETE_DAYS) return null;
  const overall = mean(complete.map((day) => day.value));
  const averages = Array.from({ length: 7 }, (_, weekday) => {
    const same = complete.filter((day) => day.weekday === weekday);
    return same.length > 0 ? mean(same.map((day) => day.value)) : overall;
  });
  const ratios = complete
    .filter((day) => averages[day.weekday] > 0)
    .map((day) => day.value / averages[day.weekday])
    .sort((a, b) => a - b);
  return {
    remaining: remaining.reduce((sum, day) => sum + averages[day.weekday] * day.fraction, 0),
    lowRatio: ratios.length > 0 ? Math.min(1, percentile(ratios, 10)) : 1,
    highRatio: ratios.length > 0 ? Math.max(1, percentile(ratios, 90)) : 1,
    days: complete.length,
  };
}
