import { periodAt, versionAt } from '../../tariffs/schedule';
import type { TariffVersion } from '../../tariffs/tariff';
import { COST_EXPONENT, ExactSum } from '../usage/decimal';
import { bucketIndex } from '../usage/periods';
import type { LocalHour } from './local-hours';

// Usage split by the tariff's periods. A reading belongs to the period of the local hour it starts in, under the
// version in force then, so ON_PEAK at 16:00 stays at 16:00 local across a DST change, and a change of rate moves the
// split from its date. Sums are exact integer sums of the readings: the periods of a bucket add up to the bucket.

/** Readings before the tariff's first version (or after its end): kept, under this name, never dropped. */
export const OUTSIDE_TARIFF = 'OUTSIDE_TARIFF';

export interface RatePeriodSums {
  name: string;
  /** Decimal string in the series' unit. */
  value: string;
  /** Decimal string in the currency; null when no reading of the period had a cost. */
  cost: string | null;
}

class PeriodSum {
  readonly value = new ExactSum();
  cost: ExactSum | null = null;
}

/** Every period name the versions use, in tariff order, so each bucket lists the same columns. */
function periodNames(versions: readonly TariffVersion[]): string[] {
  const names: string[] = [];
  for (const version of versions)
    for (const period of version.periods) if (!names.includes(period.name)) names.push(period.name);
  return names;
}

export function periodOfHour(
  versions: readonly TariffVersion[],
  at: number,
  month: number,
  hour: number,
  isoDay: number,
): string {
  const version = versionAt(versions, at);
  return version ? periodAt(version, month, hour, isoDay >= 6).name : OUTSIDE_TARIFF;
}

/** Per bucket [edges[i], edges[i+1]): the sums of each period, from readings summed per local hour. */
export function splitHours(
  hours: readonly LocalHour[],
  versions: readonly TariffVersion[],
  edges: readonly number[],
  valueExponent: number,
): RatePeriodSums[][] {
  const names = periodNames(versions);
  const buckets = edges.slice(1).map(() => new Map<string, PeriodSum>(names.map((name) => [name, new PeriodSum()])));
  for (const h of hours) {
    const name = periodOfHour(versions, h.at, h.month, h.hour, h.isoDay);
    const sums = buckets[bucketIndex(edges, h.at)];
    let sum = sums.get(name);
    if (!sum) sums.set(name, (sum = new PeriodSum()));
    sum.value.add(h.value);
    if (h.cost !== null) (sum.cost ??= new ExactSum()).add(h.cost);
  }
  return buckets.map((sums) =>
    [...sums].map(([name, sum]) => ({
      name,
      value: sum.value.format(valueExponent),
      cost: sum.cost === null ? null : sum.cost.format(COST_EXPONENT),
    })),
  );
}
