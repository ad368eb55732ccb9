import { ZoneClock } from './zone-clock';

export enum Resolution {
  INTERVAL = 'INTERVAL',
  HOUR = 'HOUR',
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  YEAR = 'YEAR',
}
export type CalendarResolution = Exclude<Resolution, Resolution.INTERVAL>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Nominal length of a period, for range limits and cost estimates (never for bucket edges). */
export const NOMINAL_MS: Record<Resolution, number> = {
  INTERVAL: 15 * 60_000,
  HOUR: HOUR_MS,
  DAY: DAY_MS,
  WEEK: 7 * 24 * HOUR_MS,
  MONTH: 30.44 * 24 * HOUR_MS,
  YEAR: 365.25 * 24 * HOUR_MS,
};

// Wall-clock midnight `days` after the local date of t, as Date.UTC of the local fields: the per-bucket step of DAY
// edges, without the Date object the other resolutions need for their calendar fields.
function localMidnight(clock: ZoneClock, t: number, days: number): number {
  return (Math.floor((t + clock.offset(t)) / DAY_MS) + days) * DAY_MS;
}

// Start of the local period containing t. Hours are floored by arithmetic on the offset in force at t, so the two
// 01:00–02:00 hours of a fall-back night stay apart; days and longer start at the first instant showing local
// midnight (or the transition, when midnight falls in a spring-forward gap).
function periodStart(clock: ZoneClock, t: number, resolution: CalendarResolution): number {
  if (resolution === Resolution.HOUR) {
    const wall = t + clock.offset(t);
    return t - (((wall % HOUR_MS) + HOUR_MS) % HOUR_MS);
  }
  if (resolution === Resolution.DAY) return clock.instant(localMidnight(clock, t, 0));
  const local = clock.local(t);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  switch (resolution) {
    case Resolution.WEEK:
      // ISO weeks start on Monday.
      return clock.instant(Date.UTC(y, m, d - ((local.getUTCDay() + 6) % 7)));
    case Resolution.MONTH:
      return clock.instant(Date.UTC(y, m, 1));
    case Resolution.YEAR:
      return clock.instant(Date.UTC(y, 0, 1));
  }
}

function nextPeriodStart(clock: ZoneClock, start: number, resolution: CalendarResolution): number {
  if (resolution === Resolution.HOUR) {
    const next = periodStart(clock, start + HOUR_MS, Resolution.HOUR);
    return next > start ? next : start + HOUR_MS;
  }
  if (resolution === Resolution.DAY) return clock.instant(localMidnight(clock, start, 1));
  const local = clock.local(start);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  switch (resolution) {
    case Resolution.WEEK:
      return clock.instant(Date.UTC(y, m, d + 7));
    case Resolution.MONTH:
      return clock.instant(Date.UTC(y, m + 1, 1));
    case Resolution.YEAR:
      return clock.instant(Date.UTC(y + 1, 0, 1));
  }
}

/**
 * Edges of the local periods covering [from, to), clipped to the range: [from, b1, …, bn, to]. Bucket i is
 * [edges[i], edges[i+1]). A range that starts or ends inside a period gets a partial first or last bucket, so that a
 * series' total is exactly the sum over [from, to).
 */
export function periodEdges(clock: ZoneClock, from: number, to: number, resolution: CalendarResolution): number[] {
  const edges = [from];
  for (
    let t = nextPeriodStart(clock, periodStart(clock, from, resolution), resolution);
    t < to;
    t = nextPeriodStart(clock, t, resolution)
  ) {
    if (t > from) edges.push(t);
  }
  edges.push(to);
  return edges;
}

/** Index of the bucket containing t (edges ascending, t within [edges[0], last edge)). */
export function bucketIndex(edges: readonly number[], t: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
