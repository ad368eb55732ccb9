/**
 * ESPI DstRuleType: a 32-bit map (espi.xsd) from which the DST start or end instant of any year is computed.
 *   bits 0-11 seconds, 12-16 hours, 17-19 day of week (1 = Monday … 7 = Sunday, 0 = n/a),
 *   20-24 day of month, 25-27 operator, 28-31 month.
 * 0xFFFFFFFF disables DST.
 */
export interface DstRule {
  month: number;
  operator: number;
  dayOfMonth: number;
  dayOfWeek: number;
  hours: number;
  seconds: number;
}

export const DST_DISABLED = 0xffffffff;

/** Decodes a rule; undefined when a field is out of its range (a rule we cannot trust to compute instants). */
export function decodeDstRule(bits: number): DstRule | undefined {
  const rule: DstRule = {
    seconds: bits & 0xfff,
    hours: (bits >>> 12) & 0x1f,
    dayOfWeek: (bits >>> 17) & 0x7,
    dayOfMonth: (bits >>> 20) & 0x1f,
    operator: (bits >>> 25) & 0x7,
    month: (bits >>> 28) & 0xf,
  };
  if (rule.month < 1 || rule.month > 12 || rule.hours > 23 || rule.seconds > 3599) return undefined;
  if (rule.operator === 0 && rule.dayOfMonth === 0) return undefined;
  if (rule.operator !== 0 && rule.dayOfWeek === 0) return undefined;
  if (rule.operator === 1 && rule.dayOfMonth === 0) return undefined;
  return rule;
}

const DAY = 86400;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ESPI weekdays are 1 = Monday … 7 = Sunday; JavaScript's are 0 = Sunday … 6 = Saturday. */
function jsWeekday(espiDay: number): number {
  return espiDay % 7;
}

/** Day of the month on which the rule falls in the given year. */
function ruleDay(rule: DstRule, year: number): number {
  const last = daysInMonth(year, rule.month);
  if (rule.operator === 0) return Math.min(rule.dayOfMonth, last);
  const want = jsWeekday(rule.dayOfWeek);
  const weekdayOf = (day: number) => new Date(Date.UTC(year, rule.month - 1, day)).getUTCDay();
  if (rule.operator === 1) {
    const from = Math.min(rule.dayOfMonth, last);
    return from + ((want - weekdayOf(from) + 7) % 7);
  }
  const first = 1 + ((want - weekdayOf(1) + 7) % 7);
  if (rule.operator === 7) return first + 7 * Math.floor((last - first) / 7);
  // Operators 2-6 are the 1st to 5th occurrence; a 5th that does not exist falls back to the last one.
  const nth = first + 7 * (rule.operator - 2);
  return nth <= last ? nth : nth - 7;
}

/** Local wall-clock seconds (since the epoch, as if local were UTC) at which the rule fires in the given year. */
export function ruleLocalSeconds(rule: DstRule, year: number): number {
  const midnight = Date.UTC(year, rule.month - 1, ruleDay(rule, year)) / 1000;
  return midnight + rule.hours * 3600 + rule.seconds;
}

export function yearOfSeconds(seconds: number): number {
  return new Date(seconds * 1000).getUTCFullYear();
}

export { DAY };
