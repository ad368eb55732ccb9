import type { ReadingTypeFields } from '../espi/records';
import { shiftCalendar } from './date-time';

/**
 * How long the interval is that a CIM interval value covers: CIM stamps each value at the END of its interval,
 * and we store [start, start + duration), so the start is the stamp minus this period.
 */
export type IntervalPeriod = { seconds: number } | { months: number; days: number };

/** MeasuringPeriod (TimeAttributeKind) codes of fixed length: minute intervals, 24-hour and fixed blocks. */
const MEASURING_SECONDS: ReadonlyMap<number, number> = new Map([
  [1, 600],
  [2, 900],
  [3, 60],
  [4, 86_400],
  [5, 1800],
  [6, 300],
  [7, 3600],
  [10, 120],
  [14, 180],
  [31, 1200],
  [50, 3600],
  [51, 1800],
  [52, 1200],
  [53, 900],
  [54, 600],
  [55, 300],
  [56, 60],
]);

/** MacroPeriod codes that are calendar periods: 11 daily, 13 monthly, 24 weekly. */
const MACRO_CALENDAR: ReadonlyMap<number, IntervalPeriod> = new Map([
  [11, { months: 0, days: 1 }],
  [13, { months: 1, days: 0 }],
  [24, { months: 0, days: 7 }],
]);

/**
 * The period of one value of this reading type, or undefined when the type does not fix one: no periods at all,
 * rolling demand blocks (57–77, whose intervals overlap), billing periods, seasons, "specified" periods. A
 * macro period wins over the measuring period: "daily maximum of 15-minute demand" is one value a day.
 */
export function intervalPeriodOf(rt: ReadingTypeFields): IntervalPeriod | undefined {
  if (rt.timeAttribute) return MACRO_CALENDAR.get(rt.timeAttribute);
  const seconds = rt.measuringPeriod ? MEASURING_SECONDS.get(rt.measuringPeriod) : undefined;
  return seconds === undefined ? undefined : { seconds };
}

/** Fixed length in seconds, for ESPI's intervalLength; calendar periods have none. */
export function fixedSeconds(period: IntervalPeriod | undefined): number | undefined {
  if (!period) return undefined;
  if ('seconds' in period) return period.seconds;
  return period.months === 0 ? period.days * 86_400 : undefined;
}

/** The start of the interval that ends at `end`, calendar periods read on the sender's clock (`offsetMinutes`). */
export function intervalStart(end: number, offsetMinutes: number, period: IntervalPeriod): number {
  if ('seconds' in period) return end - period.seconds;
  return shiftCalendar(end, offsetMinutes, -period.months, -period.days);
}
