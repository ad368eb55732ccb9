import type { TariffPeriod, TariffVersion } from './tariff';

/** The version in force at `at`: the latest that started at or before it, unless its own end has passed. */
export function versionAt(versions: readonly TariffVersion[], at: number): TariffVersion | null {
  let chosen: TariffVersion | null = null;
  for (const version of versions) {
    const from = version.validFrom?.getTime() ?? -Infinity;
    if (from <= at && (chosen === null || from > (chosen.validFrom?.getTime() ?? -Infinity))) chosen = version;
  }
  if (chosen?.validTo && chosen.validTo.getTime() <= at) return null;
  return chosen;
}

/** The period of a local wall-clock hour: month 1–12, hour 0–23, Saturday and Sunday on the weekend schedule. */
export function periodAt(version: TariffVersion, month: number, hour: number, weekend: boolean): TariffPeriod {
  return version.periods[(weekend ? version.weekend : version.weekday)[month - 1][hour]];
}

/** Versions ordered by start, the open-ended first version first. */
export function byValidFrom(versions: readonly TariffVersion[]): TariffVersion[] {
  return [...versions].sort((a, b) => (a.validFrom?.getTime() ?? -Infinity) - (b.validFrom?.getTime() ?? -Infinity));
}

export interface PeriodHours {
  /** Local months 1–12 sharing these hours. */
  months: number[];
  dayType: 'WEEKDAY' | 'WEEKEND';
  /** Local hours [from, to), 0–24. */
  from: number;
  to: number;
}

/** Where a period applies, as a person reads a rate sheet: hour ranges per day type, months with the same hours merged. */
export function periodHours(version: TariffVersion, index: number): PeriodHours[] {
  const hours: PeriodHours[] = [];
  for (const [dayType, schedule] of [
    ['WEEKDAY', version.weekday],
    ['WEEKEND', version.weekend],
  ] as const) {
    const byRanges = new Map<string, { months: number[]; ranges: [number, number][] }>();
    schedule.forEach((day, m) => {
      const ranges: [number, number][] = [];
      day.forEach((period, h) => {
        if (period !== index) return;
        const last = ranges[ranges.length - 1];
        if (last && last[1] === h) last[1] = h + 1;
        else ranges.push([h, h + 1]);
      });
      if (ranges.length === 0) return;
      const key = JSON.stringify(ranges);
      const entry = byRanges.get(key) ?? { months: [], ranges };
      entry.months.push(m + 1);
      byRanges.set(key, entry);
    });
    for (const { months, ranges } of byRanges.values())
      for (const [from, to] of ranges) hours.push({ months, dayType, from, to });
  }
  return hours;
}
