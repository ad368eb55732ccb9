import { decodeDstRule, DST_DISABLED, DstRule, ruleLocalSeconds, yearOfSeconds } from './dst-rule';

/** Offset from UTC, in seconds, in force at an instant; the only thing the codec needs from a time zone. */
export interface TimeZone {
  readonly name: string;
  offsetAt(utcSeconds: number): number;
}

export function fixedZone(offsetSeconds: number): TimeZone {
  return {
    name: `UTC${offsetSeconds < 0 ? '-' : '+'}${Math.abs(offsetSeconds) / 3600}`,
    offsetAt: () => offsetSeconds,
  };
}

/** An IANA zone through Intl (Node ships full ICU), used as the fallback when a file has no usable LocalTimeParameters. */
export function ianaZone(name: string): TimeZone {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return {
    name,
    offsetAt(utcSeconds: number): number {
      const parts: Record<string, number> = {};
      for (const p of format.formatToParts(new Date(utcSeconds * 1000))) {
        if (p.type !== 'literal') parts[p.type] = Number(p.value);
      }
      const local = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) / 1000;
      return local - utcSeconds;
    },
  };
}

export interface LtpFields {
  tzOffset: number;
  dstOffset: number;
  dstStartRule: number;
  dstEndRule: number;
}

/** A zone from LocalTimeParameters; undefined when the rules cannot be decoded (the caller then falls back). */
export function ltpZone(ltp: LtpFields): TimeZone | undefined {
  const name = `LTP(${ltp.tzOffset},${ltp.dstOffset},${hex(ltp.dstStartRule)},${hex(ltp.dstEndRule)})`;
  if (ltp.dstOffset === 0 || ltp.dstStartRule === DST_DISABLED || ltp.dstEndRule === DST_DISABLED) {
    return { name, offsetAt: () => ltp.tzOffset };
  }
  const start = decodeDstRule(ltp.dstStartRule);
  const end = decodeDstRule(ltp.dstEndRule);
  if (!start || !end) return undefined;
  return { name, offsetAt: (t) => ltp.tzOffset + (inDst(t, ltp, start, end) ? ltp.dstOffset : 0) };
}

/** The UTC instants at which DST starts and ends in a year (the rule times are local wall-clock times before the change). */
export function dstTransitions(ltp: LtpFields, year: number): { start: number; end: number } | undefined {
  const start = decodeDstRule(ltp.dstStartRule);
  const end = decodeDstRule(ltp.dstEndRule);
  if (!start || !end) return undefined;
  return {
    start: ruleLocalSeconds(start, year) - ltp.tzOffset,
    end: ruleLocalSeconds(end, year) - ltp.tzOffset - ltp.dstOffset,
  };
}

function inDst(t: number, ltp: LtpFields, start: DstRule, end: DstRule): boolean {
  const year = yearOfSeconds(t + ltp.tzOffset);
  const s = ruleLocalSeconds(start, year) - ltp.tzOffset;
  const e = ruleLocalSeconds(end, year) - ltp.tzOffset - ltp.dstOffset;
  // Southern-hemisphere rules start late in the year and end early in it.
  return s < e ? t >= s && t < e : t >= s || t < e;
}

/**
 * The UTC instant of a local wall-clock time. A time skipped by spring-forward resolves with the offset before
 * the change; an ambiguous time at fall-back resolves to its first occurrence.
 */
export function localToUtc(zone: TimeZone, localSeconds: number): number {
  return resolveLocalTime(zone, localSeconds).first;
}

/**
 * Every reading of a local wall-clock time: `first` always (as `localToUtc` gives it), `second` when the time
 * occurs twice (fall-back), `skipped` when it never occurs (spring-forward). Callers that must not guess use this.
 */
export function resolveLocalTime(
  zone: TimeZone,
  localSeconds: number,
): { first: number; second?: number; skipped: boolean } {
  const probe = localSeconds - zone.offsetAt(localSeconds);
  const before = zone.offsetAt(probe - 86400);
  const after = zone.offsetAt(probe + 86400);
  const early = localSeconds - before;
  const late = localSeconds - after;
  const earlyValid = zone.offsetAt(early) === before;
  const lateValid = zone.offsetAt(late) === after;
  if (earlyValid && lateValid && early !== late)
    return { first: Math.min(early, late), second: Math.max(early, late), skipped: false };
  if (earlyValid) return { first: early, skipped: false };
  if (lateValid) return { first: late, skipped: false };
  return { first: early, skipped: true };
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}
