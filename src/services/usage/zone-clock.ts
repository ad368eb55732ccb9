import { ianaZone, type TimeZone } from '../../espi/time-zone';

// Local calendar arithmetic for one IANA zone over a bounded range. Intl (full ICU in Node) is the only source of
// zone rules; its offsets are sampled once per zone and year and cached, so bucketing a year of readings costs a few
// binary searches instead of one Intl call per reading.

const zones = new Map<string, TimeZone>();

function zoneNamed(name: string): TimeZone {
  let zone = zones.get(name);
  if (!zone) {
    zone = ianaZone(name);
    zones.set(name, zone);
  }
  return zone;
}

/** True when Intl knows the zone (IANA names and their aliases). */
export function isKnownTimeZone(zone: string): boolean {
  try {
    zoneNamed(zone);
    return true;
  } catch {
    return false;
  }
}

/** Local wall clock minus UTC, in ms, at instant t (whole seconds). */
function intlOffset(zone: string, t: number): number {
  return zoneNamed(zone).offsetAt(Math.floor(t / 1000)) * 1000;
}

interface Segment {
  start: number;
  offset: number;
}

const SAMPLE_MS = 6 * 3600_000; // no zone has had two transitions within six hours
const yearSegments = new Map<string, Segment[]>();

// Offset changes within one UTC year, located to the second by bisection between samples.
function segmentsOfYear(zone: string, year: number): Segment[] {
  const key = `${zone}|${year}`;
  const cached = yearSegments.get(key);
  if (cached) return cached;
  const begin = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const segments: Segment[] = [{ start: begin, offset: intlOffset(zone, begin) }];
  let previous = begin;
  for (let t = begin + SAMPLE_MS; t <= end; t += SAMPLE_MS) {
    const offset = intlOffset(zone, Math.min(t, end - 1000));
    const current = segments[segments.length - 1].offset;
    if (offset !== current) {
      let lo = previous;
      let hi = Math.min(t, end - 1000);
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (intlOffset(zone, mid) === current) lo = mid;
        else hi = mid;
      }
      segments.push({ start: hi, offset });
    }
    previous = t;
  }
  yearSegments.set(key, segments);
  return segments;
}

const DAY_MS = 86_400_000;

/** Offsets of a zone between two instants (with a day of margin), and the local calendar computed from them. */
export class ZoneClock {
  private readonly segments: Segment[] = [];

  constructor(
    readonly zone: string,
    from: number,
    to: number,
  ) {
    const first = new Date(from - 2 * DAY_MS).getUTCFullYear();
    const last = new Date(to + 2 * DAY_MS).getUTCFullYear();
    for (let year = first; year <= last; year += 1) {
      for (const segment of segmentsOfYear(zone, year)) {
        const previous = this.segments[this.segments.length - 1];
        if (!previous || previous.offset !== segment.offset) this.segments.push(segment);
      }
    }
  }

  offset(t: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid].start <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.segments[lo].offset;
  }

  /** The wall clock at t as a UTC-based Date (read it with getUTC*). */
  local(t: number): Date {
    return new Date(t + this.offset(t));
  }

  /**
   * The first instant showing the wall clock `wall` (Date.UTC of the local fields). In a spring-forward gap the wall
   * time does not exist, and the answer is the transition: a day that starts in a gap starts when the clock jumps.
   */
  instant(wall: number): number {
    // Segment i shows `wall` iff wall - offset falls within it (the first segment reaches back, the last forward):
    // a range check per segment instead of a binary search, since periodEdges calls this once per bucket.
    const last = this.segments.length - 1;
    for (let i = 0; i <= last; i += 1) {
      const t = wall - this.segments[i].offset;
      if ((i === 0 || t >= this.segments[i].start) && (i === last || t < this.segments[i + 1].start)) return t;
    }
    for (let i = 1; i < this.segments.length; i += 1) {
      const { start, offset } = this.segments[i];
      if (start > wall - offset && start <= wall - this.segments[i - 1].offset) return start;
    }
    throw new RangeError(`no instant shows ${new Date(wall).toISOString()} in ${this.zone}`);
  }

  /** Local calendar date (YYYY-MM-DD) of instant t. */
  localDate(t: number): string {
    return this.local(t).toISOString().slice(0, 10);
  }

  /** Local calendar days from the day of `from` to the day of `to` (a DST day counts as one). */
  localDays(from: number, to: number): number {
    return Math.round(
      (Date.parse(`${this.localDate(to)}T00:00:00Z`) - Date.parse(`${this.localDate(from)}T00:00:00Z`)) / DAY_MS,
    );
  }

  /** Start of the local day `date` (YYYY-MM-DD). */
  dayStart(date: string): number {
    return this.instant(Date.parse(`${date}T00:00:00Z`));
  }
}
