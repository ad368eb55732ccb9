import { addLocalMonths, wallOf } from '../usage/compare-period';
import { ZoneClock } from '../usage/zone-clock';

/** How the open cycle was found: after the latest bill, or (without bills) the local calendar month. */
export type CycleOrigin = 'LAST_BILL' | 'CALENDAR_MONTH';

export interface BillingCycle {
  start: number;
  end: number;
  basis: CycleOrigin;
}

const DAY_MS = 86_400_000;

/**
 * The open billing cycle at `asOf`. After a bill, cycles are local months from the end of the latest bill that ended
 * at or before asOf, on its day of the month and clock time (clamped to shorter months: a bill ending on the 31st is
 * followed by cycles ending on the 30th, Feb 28, …, each counted from that bill's end), so asOf falls in the first
 * unbilled one or, when bills stopped, in the one monthly after it. Without a bill: the local calendar month of asOf.
 */
export function openCycle(zone: string, asOf: number, lastBillEnd: number | null): BillingCycle {
  const clock = new ZoneClock(zone, Math.min(lastBillEnd ?? asOf, asOf) - DAY_MS, asOf + 32 * DAY_MS);
  if (lastBillEnd === null) {
    const local = clock.local(asOf);
    const monthStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1);
    return {
      start: clock.instant(monthStart),
      end: clock.instant(addLocalMonths(monthStart, 1)),
      basis: 'CALENDAR_MONTH',
    };
  }
  const anchor = wallOf(clock, lastBillEnd);
  let months = 1;
  let start = lastBillEnd;
  let end = clock.instant(addLocalMonths(anchor, months));
  while (end <= asOf) {
    months += 1;
    start = end;
    end = clock.instant(addLocalMonths(anchor, months));
  }
  return { start, end, basis: 'LAST_BILL' };
}
