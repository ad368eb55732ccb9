import { periodEdges, type Resolution } from './periods';
import type { ZoneClock } from './zone-clock';

export type CompareTo = 'PREVIOUS_PERIOD' | 'PREVIOUS_YEAR';

/**
 * How far back a comparison looks, in local calendar terms: whole months (the day of the month kept, clamped to the
 * earlier month's length, so Feb 29 becomes Feb 28) or a stretch of local wall-clock time (days and hours).
 */
export interface LocalShift {
  months: number;
  wallMs: number;
}

const DAY_MS = 86_400_000;

export const PREVIOUS_YEAR: LocalShift = { months: 12, wallMs: 0 };

/** Wall clock of instant t as Date.UTC of the local fields. */
export const wallOf = (clock: ZoneClock, t: number) => t + clock.offset(t);

/**
 * The shift of `compareTo` for a usage query: a year, or the query's own local length. MONTH and YEAR buckets step
 * back by as many calendar months as the buckets span; shorter buckets by the range's wall-clock length, so a week of
 * days compares with the week before and a 23-hour spring-forward day with the 24 local hours before it.
 */
export function shiftOf(
  compareTo: CompareTo,
  clock: ZoneClock,
  from: number,
  to: number,
  resolution: Resolution,
): LocalShift {
  if (compareTo === 'PREVIOUS_YEAR') return PREVIOUS_YEAR;
  if (resolution === 'MONTH' || resolution === 'YEAR') {
    const buckets = periodEdges(clock, from, to, resolution).length - 1;
    return { months: buckets * (resolution === 'YEAR' ? 12 : 1), wallMs: 0 };
  }
  return { months: 0, wallMs: wallOf(clock, to) - wallOf(clock, from) };
}

/** How far before `from` a shift can reach, for a ZoneClock that must cover the earlier range. */
export function reachOf(shift: LocalShift): number {
  return shift.months * 31 * DAY_MS + shift.wallMs + DAY_MS;
}

/** A wall clock (Date.UTC of local fields) `months` later, the day of the month clamped to that month's length. */
export function addLocalMonths(wall: number, months: number): number {
  const local = new Date(wall);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const timeOfDay = ((wall % DAY_MS) + DAY_MS) % DAY_MS;
  return Date.UTC(year, month, Math.min(local.getUTCDate(), lastDay)) + timeOfDay;
}

const shiftWall = (wall: number, shift: LocalShift) =>
  shift.months === 0 ? wall - shift.wallMs : addLocalMonths(wall, -shift.months);

const isMonthStart = (wall: number) => wall % DAY_MS === 0 && new Date(wall).getUTCDate() === 1;

/**
 * The earlier range a bucket [start, end) compares with: the same local clock times `shift` before. A range of whole
 * local months maps to the same months (February of a leap year with the 28 days of the year before, and back).
 * Otherwise the start maps as a local date and time, and the end as the end of the instant before it, so the day
 * ending at midnight of Feb 29 ends at the end of Feb 28 too: Feb 28 and Feb 29 of a leap year both compare with Feb
 * 28, the first 01:00 hour of a fall-back night with the 01:00 hour of the earlier date, and the hour before a
 * spring-forward jump with the clock hour it showed. A wall time that does not exist on the earlier date (a
 * spring-forward gap) is the transition, so an hour that did not exist then compares with an empty range.
 */
export function comparedRange(
  clock: ZoneClock,
  start: number,
  end: number,
  shift: LocalShift,
): { start: number; end: number } {
  const wallStart = wallOf(clock, start);
  const wallEnd = wallOf(clock, end);
  if (shift.months > 0 && isMonthStart(wallStart) && isMonthStart(wallEnd)) {
    return { start: clock.instant(shiftWall(wallStart, shift)), end: clock.instant(shiftWall(wallEnd, shift)) };
  }
  return {
    start: clock.instant(shiftWall(wallStart, shift)),
    end: clock.instant(shiftWall(wallOf(clock, end - 1), shift) + 1),
  };
}
