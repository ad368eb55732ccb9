import type { Table } from './csv-layouts';
import { instantWithOffset, localDate, localDateTime, timeOfDay } from './csv-values';
import { resolveLocalTime, TimeZone } from './time-zone';

/** A row's local period; `elapsed` when the file gives the length itself; `absolute` when start and end are instants (times with their UTC offset). */
export interface LocalPeriod {
  start: number;
  end: number;
  elapsed?: number;
  absolute?: boolean;
}

/** The period of a data row, from whichever of the layout's time columns the table has; undefined when not a data row. */
export function rowPeriod(t: Table, cells: string[]): LocalPeriod | undefined {
  const { at } = t;
  const cell = (i: number | undefined) => cells[i!] ?? '';
  if (at.period !== undefined) {
    return periodOf(cell(at.period));
  }
  if (at.start !== undefined && at.end !== undefined) {
    const [from, to] = [instantWithOffset(cell(at.start)), instantWithOffset(cell(at.end))];
    if (from !== undefined && to !== undefined) return { start: from, end: to, elapsed: to - from, absolute: true };
    const start = localDateTime(cell(at.start));
    const end = localDateTime(cell(at.end));
    return start === undefined || end === undefined ? undefined : { start, end };
  }
  const day = localDate(cell(at.date));
  if (day === undefined) return undefined;
  if (at.startTime === undefined) return { start: day, end: day + 86400 };
  const from = timeOfDay(cell(at.startTime));
  if (from === undefined) return undefined;
  if (at.minutes !== undefined) {
    const minutes = /^\s*(\d{1,6})\s*$/.exec(cell(at.minutes));
    return minutes ? { start: day + from, end: day + from + +minutes[1] * 60, elapsed: +minutes[1] * 60 } : undefined;
  }
  const to = timeOfDay(cell(at.endTime));
  if (to === undefined) return undefined;
  let end = day + (to <= from ? to + 86400 : to);
  // An end written as the interval's last minute ("00:14", "23:59"): intervals are whole multiples of 5 minutes.
  if ((end - day - from) % 300 === 240) end += 60;
  return { start: day + from, end };
}

/** The row's time cells as written, to name the row in diagnostics. */
export function periodLabel(t: Table, cells: string[]): string {
  const { at } = t;
  const parts = at.period !== undefined ? [at.period] : [at.start, at.end, at.date, at.startTime, at.endTime];
  return parts
    .filter((i): i is number => i !== undefined)
    .map((i) => (cells[i] ?? '').trim())
    .join(' ');
}

/** "<local start> to <local end>" in one cell (SCE). */
export function periodOf(cell: string): LocalPeriod | undefined {
  const [from, to, ...rest] = cell.split(/\s+to\s+/i);
  const start = localDateTime(from);
  const end = to === undefined || rest.length > 0 ? undefined : localDateTime(to);
  return start === undefined || end === undefined ? undefined : { start, end };
}

/** Seconds from the start's instant to the local end's: the wall-clock length unless a DST change falls between. */
export function elapsedSeconds(zone: TimeZone, start: number, localEnd: number, wall: number): number {
  const guess = start + wall;
  if (guess + zone.offsetAt(guess) === localEnd) return wall;
  const end = resolveLocalTime(zone, localEnd);
  return end.skipped || end.second !== undefined ? wall : end.first - start;
}
