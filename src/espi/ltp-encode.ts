import { DST_DISABLED } from './dst-rule';
import { ianaZone, LtpFields } from './time-zone';

const DAY = 86400;

/**
 * LocalTimeParameters for an IANA zone: the inverse of the DST rule decoding. The rules are those in force in
 * `year` (ESPI can only express one fixed pair of rules); a transition in the last seven days of its month becomes
 * "last <weekday>", any other the n-th <weekday>, at the local wall time before the change. A zone without DST in
 * that year gets dstOffset 0 and disabled rules.
 */
export function localTimeParametersFor(zoneName: string, year: number): LtpFields {
  const zone = ianaZone(zoneName);
  const from = Date.UTC(year, 0, 1) / 1000;
  const to = Date.UTC(year + 1, 0, 1) / 1000;
  const changes: { at: number; before: number; after: number }[] = [];
  let previous = zone.offsetAt(from);
  for (let day = from + DAY; day <= to; day += DAY) {
    const offset = zone.offsetAt(day);
    if (offset === previous) continue;
    // The change lies in (day - DAY, day]: bisect to the second.
    let lo = day - DAY;
    let hi = day;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (zone.offsetAt(mid) === previous) lo = mid;
      else hi = mid;
    }
    changes.push({ at: hi, before: previous, after: offset });
    previous = offset;
  }
  const standard = Math.min(zone.offsetAt(from), zone.offsetAt(Date.UTC(year, 6, 1) / 1000));
  const start = changes.find((c) => c.after > c.before);
  const end = changes.find((c) => c.after < c.before);
  if (!start || !end) return { tzOffset: standard, dstOffset: 0, dstStartRule: DST_DISABLED, dstEndRule: DST_DISABLED };
  return {
    tzOffset: standard,
    dstOffset: start.after - start.before,
    dstStartRule: encodeDstRule(start.at + start.before),
    dstEndRule: encodeDstRule(end.at + end.before),
  };
}

/** The rule bits for a change at this local wall time (epoch seconds as if local were UTC); see dst-rule.ts. */
function encodeDstRule(localSeconds: number): number {
  const date = new Date(localSeconds * 1000);
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), month, 0)).getUTCDate();
  const dayOfWeek = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
  const operator = day > daysInMonth - 7 ? 7 : 1 + Math.ceil(day / 7);
  const secondsOfDay = localSeconds - Math.floor(localSeconds / DAY) * DAY;
  const hours = Math.floor(secondsOfDay / 3600);
  const seconds = secondsOfDay - hours * 3600;
  return ((month << 28) | (operator << 25) | (dayOfWeek << 17) | (hours << 12) | seconds) >>> 0;
}
