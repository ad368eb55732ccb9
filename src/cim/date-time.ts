/** xs:dateTime ↔ epoch seconds, exact to the second, keeping the UTC offset the sender used. */

export interface ParsedDateTime {
  /** Whole seconds since the epoch, floored. */
  epoch: number;
  /** A fraction of a second was given (readings must start on whole seconds). */
  fractional: boolean;
  /** Minutes east of UTC; undefined when the text has no zone, i.e. an unknown local time. */
  offsetMinutes?: number;
}

const DATE_TIME = /^\s*(-?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?\s*$/;

export function parseDateTime(text: string): ParsedDateTime | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const endOfDay = hour === 24 && minute === 0 && second === 0 && !/[1-9]/.test(m[7] ?? '');
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if ((hour > 23 && !endOfDay) || minute > 59 || second > 59) return undefined;
  let offsetMinutes: number | undefined;
  if (m[8] === 'Z') offsetMinutes = 0;
  else if (m[8]) {
    const hours = Number(m[8].slice(1, 3));
    const minutes = Number(m[8].slice(4, 6));
    if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return undefined;
    offsetMinutes = (m[8][0] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const local = utcSeconds(year, month, day, hour, minute, second);
  return {
    epoch: local - (offsetMinutes ?? 0) * 60,
    fractional: /[1-9]/.test(m[7] ?? ''),
    offsetMinutes,
  };
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
/** Local seconds from 0001-01-01 to 10000-01-01: what fits `YYYY-MM-DDThh:mm:ss`. */
const FIRST_LOCAL = -62135596800;
const LAST_LOCAL = 253402300800;

/**
 * `YYYY-MM-DDThh:mm:ss` of whole local seconds by integer arithmetic (days to civil date as in H. Hinnant's
 * `civil_from_days`): a large reply writes one per reading, and a Date plus toISOString per reading was a third of the
 * writer's time.
 */
function localText(t: number): string {
  const days = Math.floor(t / 86400);
  const sod = t - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hh = Math.floor(sod / 3600);
  const mm = Math.floor((sod % 3600) / 60);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}T${pad2(hh)}:${pad2(mm)}:${pad2(sod % 60)}`;
}

/** `2017-07-02T00:15:00+03:00`, or `…Z` for offset 0. */
export function formatDateTime(epoch: number, offsetMinutes = 0): string {
  const t = epoch + offsetMinutes * 60;
  const local =
    Number.isInteger(t) && t >= FIRST_LOCAL && t < LAST_LOCAL
      ? localText(t)
      : new Date(t * 1000).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${local}Z`;
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${hh}:${mm}`;
}

/**
 * Moves an instant by whole calendar months and days as read on a clock at `offsetMinutes`: one "day" before
 * 2017-07-02T00:00+03:00 is 2017-07-01T00:00+03:00. A fixed offset has no DST, so the result is exact for it.
 */
export function shiftCalendar(epoch: number, offsetMinutes: number, months: number, days: number): number {
  const d = new Date((epoch + offsetMinutes * 60) * 1000);
  const targetMonth = d.getUTCMonth() + months;
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(targetMonth);
  // The 31st minus a month lands on the last day of a shorter month, never spills into the next one.
  d.setUTCDate(Math.min(day, daysInMonth(d.getUTCFullYear(), d.getUTCMonth() + 1)) + days);
  return d.getTime() / 1000 - offsetMinutes * 60;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function utcSeconds(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime() / 1000;
}
