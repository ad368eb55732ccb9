import { InvalidInputError } from '../errors';
import type { FlowDirection } from './reading-codes';
import { NOMINAL_MS, type Resolution } from './periods';
import { isKnownTimeZone } from './zone-clock';

export interface UsageQuery {
  from: Date;
  to: Date;
  resolution: Resolution;
  /** IANA zone for local periods; the usage point's zone when absent. */
  timeZone?: string | null;
  direction?: FlowDirection | null;
  /** Global id of a series to read instead of the default one for the direction. */
  meterReading?: string | null;
}

/** Most buckets a usage() range may imply, per resolution (a 31-day month of 5-minute intervals; ~10 years of days). */
export const MAX_BUCKETS: Record<Resolution, number> = {
  INTERVAL: 8928,
  HOUR: 8784 + 24,
  DAY: 3660,
  WEEK: 1100,
  MONTH: 1200,
  YEAR: 100,
};

/** Buckets a range implies at a resolution, for limits and for the query cost estimate. */
export function impliedBuckets(from: Date, to: Date, resolution: Resolution, intervalSeconds = 900): number {
  const span = to.getTime() - from.getTime();
  const nominal = resolution === 'INTERVAL' ? intervalSeconds * 1000 : NOMINAL_MS[resolution];
  return Math.max(1, Math.ceil(span / nominal));
}

/** Checks a [from, to) range: both instants, from before to. */
export function checkRange(from: Date, to: Date): void {
  if (Number.isNaN(from.getTime())) throw new InvalidInputError('from is not a valid date-time', 'from');
  if (Number.isNaN(to.getTime())) throw new InvalidInputError('to is not a valid date-time', 'to');
  if (from.getTime() >= to.getTime()) throw new InvalidInputError('from must be before to', 'from');
}

export function checkTimeZone(zone: string | null | undefined): void {
  if (zone != null && !isKnownTimeZone(zone)) {
    throw new InvalidInputError(
      `unknown time zone "${zone}" (expected an IANA name such as America/New_York)`,
      'timeZone',
    );
  }
}

/** Validates a usage() query; the error names the argument at fault. */
export function checkUsageQuery(query: UsageQuery): void {
  checkRange(query.from, query.to);
  checkTimeZone(query.timeZone);
  // Nominal 15-minute intervals for the limit: a series with longer intervals simply returns fewer buckets.
  const buckets = impliedBuckets(query.from, query.to, query.resolution, query.resolution === 'INTERVAL' ? 300 : 900);
  if (buckets > MAX_BUCKETS[query.resolution]) {
    throw new InvalidInputError(
      `the range is too large for resolution ${query.resolution}: at most ${MAX_BUCKETS[query.resolution]} buckets, this range implies ${buckets}`,
      'to',
    );
  }
}
