import { decodeDstRule, DST_DISABLED, DstRule, ruleLocalSeconds } from './dst-rule';
import { localTimeParametersFor } from './ltp-encode';
import type { LocalTimeParametersFields } from './records';
import { ianaZone, TimeZone } from './time-zone';

/**
 * Zones tried first when several agree with what a file says (most Green Button files come from North American
 * custodians), after the configured fallback zone and before every other IANA zone.
 */
export const COMMON_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Halifax',
  'Europe/London',
  'Europe/Paris',
  'UTC',
];

/** The fields of a DstRuleType that a truncated or malformed rule text still states (each in its valid range). */
export type PartialRule = Partial<DstRule>;

/** Field, lowest bit, width and valid range, from dst-rule.ts's layout. */
const FIELDS: [keyof DstRule, number, number, number, number][] = [
  ['month', 28, 4, 1, 12],
  ['operator', 25, 3, 0, 7],
  ['dayOfMonth', 20, 5, 0, 31],
  ['dayOfWeek', 17, 3, 0, 7],
  ['hours', 12, 5, 0, 23],
  ['seconds', 0, 12, 0, 3599],
];

/**
 * What a rule text says. Its leading hex digits are the rule's high-order digits (a truncated rule lost its tail), so
 * a field is known when all its bits fall within them and its value is in range.
 */
export function readableRule(text: string | undefined): PartialRule {
  const digits = (/^[0-9a-f]*/i.exec(text?.trim() ?? '')?.[0] ?? '').slice(0, 8);
  const bits = digits ? Number.parseInt(digits.padEnd(8, '0'), 16) : 0;
  const rule: PartialRule = {};
  for (const [name, low, width, min, max] of FIELDS) {
    const value = (bits >>> low) & ((1 << width) - 1);
    if (low >= 32 - 4 * digits.length && value >= min && value <= max) rule[name] = value;
  }
  return rule;
}

/** The day the rule names, as a rule at midnight, when enough of it is known to compute it. */
function dayRule(p: PartialRule): DstRule | undefined {
  const { month, operator, dayOfMonth, dayOfWeek } = p;
  if (month === undefined || operator === undefined) return undefined;
  const needsDate = operator <= 1;
  const needsWeekday = operator >= 1;
  if ((needsDate && !dayOfMonth) || (needsWeekday && !dayOfWeek)) return undefined;
  return { month, operator, dayOfMonth: dayOfMonth ?? 0, dayOfWeek: dayOfWeek ?? 0, hours: 0, seconds: 0 };
}

function agrees(p: PartialRule, actual: DstRule, year: number): boolean {
  if (p.month !== undefined && p.month !== actual.month) return false;
  const day = dayRule(p);
  if (day && ruleLocalSeconds(day, year) !== ruleLocalSeconds({ ...actual, hours: 0, seconds: 0 }, year)) return false;
  return (
    (p.hours === undefined || p.hours === actual.hours) && (p.seconds === undefined || p.seconds === actual.seconds)
  );
}

const ORDINALS = ['', '', '1st', '2nd', '3rd', '4th', '5th', 'last'];
const WEEKDAYS = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** What a partial rule says, in words ("month 3, 2nd Sunday, 02:00"), or "nothing". */
export function describeRule(p: PartialRule): string {
  const parts: string[] = [];
  if (p.month !== undefined) parts.push(`month ${p.month}`);
  const day = dayRule(p);
  if (day?.operator === 0) parts.push(`day ${day.dayOfMonth}`);
  else if (day?.operator === 1) parts.push(`${WEEKDAYS[day.dayOfWeek]} on or after day ${day.dayOfMonth}`);
  else if (day) parts.push(`${ORDINALS[day.operator]} ${WEEKDAYS[day.dayOfWeek]}`);
  if (p.hours !== undefined)
    parts.push(
      `${String(p.hours).padStart(2, '0')}:${p.seconds === undefined ? '..' : String(Math.floor(p.seconds / 60)).padStart(2, '0')}`,
    );
  return parts.length ? parts.join(', ') : 'nothing';
}

interface Known {
  tzOffset: number;
  dstOffset?: number;
  start: PartialRule;
  end: PartialRule;
}

/** A stated dstOffset settles whether DST is observed; without one, a readable rule says it is. */
const saysDst = (k: Known) =>
  k.dstOffset !== undefined ? k.dstOffset > 0 : Object.keys(k.start).length + Object.keys(k.end).length > 0;

/** The zone has the standard offset, the DST amount and the rules' known fields in every year of the data. */
function fits(name: string, k: Known, years: number[]): boolean {
  for (const year of years) {
    const ltp = localTimeParametersFor(name, year);
    if (ltp.tzOffset !== k.tzOffset) return false;
    if (ltp.dstOffset === 0 || ltp.dstStartRule === DST_DISABLED) {
      if (saysDst(k)) return false;
      continue;
    }
    if (k.dstOffset !== undefined && ltp.dstOffset !== k.dstOffset) return false;
    if (
      !agrees(k.start, decodeDstRule(ltp.dstStartRule)!, year) ||
      !agrees(k.end, decodeDstRule(ltp.dstEndRule)!, year)
    )
      return false;
  }
  return true;
}

/** A cheap first test on two instants of the first year, so the full comparison runs on a handful of zones. */
function plausible(name: string, k: Known, year: number): boolean {
  const zone = ianaZone(name);
  const winter = zone.offsetAt(Date.UTC(year, 0, 15) / 1000);
  const summer = zone.offsetAt(Date.UTC(year, 6, 15) / 1000);
  return Math.min(winter, summer) === k.tzOffset && (winter !== summer) === saysDst(k);
}

/** IANA's fixed-offset zone: `Etc/GMT+5` is UTC−05:00 (POSIX signs are inverted); whole hours only. */
function etcZone(offset: number): string | undefined {
  const hours = -offset / 3600;
  if (!Number.isInteger(hours) || hours < -14 || hours > 12) return undefined;
  return hours === 0 ? 'UTC' : `Etc/GMT${hours > 0 ? '+' : ''}${hours}`;
}

const chosen = new Map<string, string | null>();

function firstFitting(k: Known, fallbackZone: string, years: number[]): string | undefined {
  const key = JSON.stringify([k, fallbackZone, years]);
  let name = chosen.get(key);
  if (name === undefined) {
    const fixed = saysDst(k) ? undefined : etcZone(k.tzOffset);
    const names = [fallbackZone, ...COMMON_ZONES, ...Intl.supportedValuesOf('timeZone')];
    name = fixed ?? names.find((n) => plausible(n, k, years[0]) && fits(n, k, years)) ?? null;
    chosen.set(key, name);
  }
  return name ?? undefined;
}

export interface ZoneInference {
  zone: TimeZone;
  /** Why, in words, for the warning. */
  reason: string;
}

/**
 * The zone local days use when LocalTimeParameters are incomplete or their rules do not decode: the IANA zone that
 * agrees, over the data's years, with the offsets and whatever of the rules can be read (the configured zone
 * first, then common ones); with no DST to be seen (dstOffset 0, or neither dstOffset nor a readable rule), the
 * fixed offset of tzOffset; when DST is stated but no zone agrees, standard time all year. Undefined without a
 * tzOffset: nothing is known, and the caller falls back.
 */
export function inferLtpZone(
  f: LocalTimeParametersFields,
  fallbackZone: string,
  years: number[],
): ZoneInference | undefined {
  if (f.tzOffset === undefined) return undefined;
  const k: Known = {
    tzOffset: f.tzOffset,
    dstOffset: f.dstOffset,
    start: readableRule(f.dstStartRuleText),
    end: readableRule(f.dstEndRuleText),
  };
  const stated = `tzOffset ${k.tzOffset} s, dstOffset ${k.dstOffset === undefined ? 'absent' : `${k.dstOffset} s`}, start rule says ${describeRule(k.start)}, end rule says ${describeRule(k.end)}`;
  const name = firstFitting(k, fallbackZone, years);
  if (name && saysDst(k))
    return {
      zone: ianaZone(name),
      reason: `${name}, the zone that agrees with what is stated (${stated}) over ${span(years)}`,
    };
  if (name)
    return {
      zone: ianaZone(name),
      reason: `${name}, the fixed offset of tzOffset, as nothing says DST is observed (${stated})`,
    };
  const standard =
    etcZone(k.tzOffset) ??
    [...COMMON_ZONES, ...Intl.supportedValuesOf('timeZone')].find((n) =>
      fits(n, { ...k, dstOffset: 0, start: {}, end: {} }, years),
    );
  if (!standard) return undefined;
  return {
    zone: ianaZone(standard),
    reason: `${standard}, standard time all year: no zone agrees with what is stated (${stated}) over ${span(years)}`,
  };
}

const span = (years: number[]) => (years.length === 1 ? `${years[0]}` : `${years[0]}–${years[years.length - 1]}`);

export interface IncompleteLtpZone {
  zone: TimeZone;
  zoneSource: 'inferred' | 'fallback';
  code: 'dst-rule-truncated' | 'dst-rule-invalid';
  message: string;
}

/** The zone for LocalTimeParameters that are not whole or whose rules do not decode, and the warning saying why. */
export function incompleteLtpZone(
  f: LocalTimeParametersFields,
  fallbackZone: string,
  years: number[],
): IncompleteLtpZone {
  const whole =
    f.tzOffset !== undefined && f.dstOffset !== undefined && f.dstStartRule !== undefined && f.dstEndRule !== undefined;
  const what = whole
    ? `DST rules ${f.dstStartRuleText}/${f.dstEndRuleText} do not decode to dates`
    : `LocalTimeParameters incomplete or truncated (dstStartRule "${f.dstStartRuleText ?? ''}", dstEndRule "${f.dstEndRuleText ?? ''}")`;
  const code = whole ? 'dst-rule-invalid' : 'dst-rule-truncated';
  const inferred = inferLtpZone(f, fallbackZone, years);
  if (inferred)
    return { zone: inferred.zone, zoneSource: 'inferred', code, message: `${what}: local days use ${inferred.reason}` };
  return {
    zone: ianaZone(fallbackZone),
    zoneSource: 'fallback',
    code,
    message: `${what} and no usable tzOffset: local days use the fallback zone ${fallbackZone}`,
  };
}

/** The calendar years a usage point's readings cover (at most 30), or this year when it has none. */
export function dataYears(spans: { firstStart?: number; lastEnd?: number }[]): number[] {
  const years = new Set<number>();
  for (const { firstStart, lastEnd } of spans) {
    if (firstStart === undefined || lastEnd === undefined) continue;
    const first = new Date(firstStart * 1000).getUTCFullYear();
    const last = Math.min(new Date(lastEnd * 1000).getUTCFullYear(), first + 29);
    for (let y = first; y <= last; y++) years.add(y);
  }
  return years.size ? [...years].sort((a, b) => a - b) : [new Date().getUTCFullYear()];
}
