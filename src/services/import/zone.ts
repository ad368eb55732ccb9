import { COMMON_ZONES, dstTransitions, ianaZone, type LinkedUsagePoint, type TimeZone } from '../../espi';

// Rollups and the API bucket local days in SQL (`AT TIME ZONE`), which needs an IANA name. ESPI gives only
// LocalTimeParameters (offsets and DST rules), so the loader names the IANA zone that agrees with them over the
// years the data covers: the configured fallback when it agrees, else a common zone, else any. A zone the codec
// inferred from incomplete LocalTimeParameters is already an IANA zone chosen over those years.

const cache = new Map<string, string | null>();
const zones = new Map<string, TimeZone>();

function zoneNamed(name: string): TimeZone {
  let zone = zones.get(name);
  if (!zone) zones.set(name, (zone = ianaZone(name)));
  return zone;
}

/** Instants where two zones with different rules would disagree: mid-winter, mid-summer, and around each DST change. */
function probes(up: LinkedUsagePoint, years: number[]): number[] {
  const out: number[] = [];
  for (const year of years) {
    out.push(Date.UTC(year, 0, 15) / 1000, Date.UTC(year, 6, 15) / 1000);
    const change = up.localTimeParameters && dstTransitions(up.localTimeParameters, year);
    if (change) for (const t of [change.start, change.end]) out.push(t - 7200, t + 7200);
  }
  return out;
}

/**
 * The IANA zone to store on the usage point, or null when none agrees with its LocalTimeParameters (the caller then
 * warns and uses the fallback).
 */
export function ianaZoneFor(up: LinkedUsagePoint, fallbackZone: string, years: number[]): string | null {
  if (up.zoneSource === 'fallback') return fallbackZone;
  if (up.zoneSource === 'inferred') return up.zone.name;
  const key = `${up.zone.name}|${fallbackZone}|${years.join(',')}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const instants = probes(up, years);
  const agrees = (name: string) => {
    const candidate = zoneNamed(name);
    return instants.every((t) => candidate.offsetAt(t) === up.zone.offsetAt(t));
  };
  const found = [fallbackZone, ...COMMON_ZONES, ...Intl.supportedValuesOf('timeZone')].find(agrees) ?? null;
  cache.set(key, found);
  return found;
}
