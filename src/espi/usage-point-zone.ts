import type { Diagnostic } from '../xml/diagnostics';
import { normalizeHref } from './hrefs';
import { dataYears, incompleteLtpZone } from './ltp-inference';
import type { EntryInfo, EspiRecord } from './records';
import { ianaZone, LtpFields, ltpZone, TimeZone } from './time-zone';

type Ltp = Extract<EspiRecord, { type: 'LocalTimeParameters' }>;

/** `inferred`: chosen from LocalTimeParameters that are not whole (see `ltp-inference.ts`). */
export type ZoneSource = 'LocalTimeParameters' | 'inferred' | 'fallback' | 'configured';

export interface UsagePointZone {
  zone: TimeZone;
  zoneSource: ZoneSource;
  localTimeParameters?: LtpFields;
}

/**
 * A usage point's zone from its LocalTimeParameters (named in its `related`, or the file's only one). Without any,
 * the fallback zone (the configured one, for sources that have none by nature). With ones that are not whole or
 * do not decode, the fallback for now and `unsettled`: `settleZone` weighs what they say once the readings' years
 * are known.
 */
export function usagePointZone(
  up: EntryInfo,
  ltps: Ltp[],
  options: { fallbackZone: string; zoneConfigured?: boolean },
  report: (d: Diagnostic) => void,
): UsagePointZone & { unsettled?: Ltp } {
  const related = new Set(up.related.map(normalizeHref));
  const ltp =
    ltps.find((l) => l.entry.self && related.has(normalizeHref(l.entry.self))) ??
    (ltps.length === 1 ? ltps[0] : undefined);
  const fallback = { zone: ianaZone(options.fallbackZone), zoneSource: 'fallback' as const };
  if (!ltp && options.zoneConfigured) return { ...fallback, zoneSource: 'configured' };
  if (!ltp) {
    report({
      severity: 'warning',
      code: 'no-local-time-parameters',
      message: `no LocalTimeParameters for this usage point: local days use the fallback zone ${options.fallbackZone}`,
      line: up.line,
      entity: up.self ?? up.id,
    });
    return fallback;
  }
  const { tzOffset, dstOffset, dstStartRule, dstEndRule } = ltp.fields;
  const whole =
    tzOffset !== undefined && dstOffset !== undefined && dstStartRule !== undefined && dstEndRule !== undefined;
  const fields = whole ? { tzOffset, dstOffset, dstStartRule, dstEndRule } : undefined;
  const zone = fields && ltpZone(fields);
  if (zone) return { zone, zoneSource: 'LocalTimeParameters', localTimeParameters: fields };
  return { ...fallback, unsettled: ltp };
}

/** Sets the zone of a usage point whose LocalTimeParameters are not whole, over its readings' years; the warning says which and why. */
export function settleZone(
  usagePoint: UsagePointZone,
  ltp: Ltp,
  readings: { firstStart?: number; lastEnd?: number }[],
  fallbackZone: string,
): Diagnostic {
  const { zone, zoneSource, code, message } = incompleteLtpZone(ltp.fields, fallbackZone, dataYears(readings));
  Object.assign(usagePoint, { zone, zoneSource });
  return { severity: 'warning', code, message, line: ltp.entry.line, entity: ltp.entry.self ?? ltp.entry.id };
}
