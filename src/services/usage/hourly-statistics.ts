import type { Directory } from '../customers/directory';
import { InvalidInputError } from '../errors';
import { Accumulator } from './accumulator';
import type { AggregateLoaders, PackedRollups } from './aggregates';
import { PackedRows } from './packed-rows';
import { valueExponent, type FlowDirection } from './reading-codes';
import { chooseSeries } from './series-choice';
import { ZoneClock } from './zone-clock';

// Hourly long-term statistics as home-energy dashboards import them (Home Assistant's recorder: one row per hour with
// the hour's `state` and the running `sum` of the series). Hours are UTC hours: the same as local hours in every zone
// with a whole-hour offset, and what such a recorder stores in a zone with a :30 or :45 offset too (there they start
// at :30 or :45 local time).

/** Most hours one answer holds (31 days): a client continues from the last hour it received. */
export const MAX_STATISTIC_HOURS = 744;

const HOUR_MS = 3_600_000;
/** Rollup dates and reading starts before any series can begin. */
const BEGINNING = { date: '1970-01-01', instant: new Date(0) };
const END_OF_TIME = new Date(Date.UTC(9999, 11, 31));

export interface HourStatistic {
  start: Date;
  end: Date;
  /** Exact decimal in the series' unit: the readings that start in the hour. */
  value: string;
  /** Exact decimal: every reading of the series that starts before the end of the hour. */
  sum: string;
  readings: number;
}

export interface StatisticsQuery {
  since: Date;
  direction?: FlowDirection | null;
  meterReading?: string | null;
}

const floorHour = (t: number) => Math.floor(t / HOUR_MS) * HOUR_MS;

/** Adds every packed rollup row to `sum`. */
function addRollups(sum: Accumulator, packed: PackedRollups): void {
  const rows = new PackedRows(packed);
  while (rows.nextRow()) {
    rows.next(); // the period
    sum.addPacked(rows, false);
  }
}

/**
 * The hours of a series from `since` (floored to the hour, or from the hour of the series' first reading when that
 * is later) through the hour of its latest reading, at most MAX_STATISTIC_HOURS. The running sum before the first
 * hour is whole local months and days of rollups plus the readings of the local day before it: a handful of rows
 * whatever the series' age. Every statement is a batched AggregateLoaders read, so many usage points cost as few
 * statements as one. Null when the usage point has no such series.
 */
export async function hourlyStatistics(directory: Directory, aggregates: AggregateLoaders, usagePointId: string, query: StatisticsQuery): Promise<HourStatistic[] | null> {
  if (!(query.since instanceof Date) || Number.isNaN(query.since.getTime())) throw new InvalidInputError('since is not a valid date-time', 'since');
  const series = await chooseSeries(directory, usagePointId, query.direction ?? 'DELIVERED', query.meterReading);
  if (!series) return null;
  const { meterReading, readingType } = series;
  const key = { usagePointId: meterReading.usagePointId, meterReadingId: meterReading.id };
  const since = floorHour(query.since.getTime());
  // Rollups hold local days of the usage point's zone: months and days before the local day of `since` from them.
  const clock = new ZoneClock(series.usagePoint.timeZone ?? 'UTC', since, since);
  const day = clock.localDate(since);
  const month = `${day.slice(0, 8)}01`;
  const [[first], latestEnd, months, days] = await Promise.all([
    aggregates.readings.load({ ...key, from: BEGINNING.instant, to: END_OF_TIME, after: null, before: null, backward: false, limit: 1 }),
    aggregates.latestEnd.load(meterReading.id),
    aggregates.monthly.load({ ...key, fromDate: BEGINNING.date, toDate: month }),
    aggregates.daily.load({ ...key, fromDate: month, toDate: day }),
  ]);
  if (!first || !latestEnd) return [];
  const start = Math.max(since, floorHour(first.start.getTime()));
  const end = Math.min(start + MAX_STATISTIC_HOURS * HOUR_MS, floorHour(latestEnd.getTime() + HOUR_MS - 1));
  if (start >= end) return [];

  // Bucket 0 is the part of the local day before `start` (when there is one), then one bucket per hour.
  const dayStart = clock.dayStart(day);
  const lead = dayStart < start ? [dayStart] : [];
  const edges = [...lead];
  for (let t = start; t <= end; t += HOUR_MS) edges.push(t);
  const hours = edges.slice(lead.length + 1).map(() => new Accumulator());
  const running = new Accumulator();
  addRollups(running, months);
  addRollups(running, days);
  for (const row of await aggregates.raw.load({ ...key, edges })) {
    if (row.bucket < lead.length) running.add(row);
    else hours[row.bucket - lead.length].add(row);
  }
  const exponent = valueExponent(readingType.uom, readingType.powerOfTenMultiplier);
  return hours.map((hour, i) => {
    running.merge(hour);
    const hourStart = start + i * HOUR_MS;
    return { start: new Date(hourStart), end: new Date(hourStart + HOUR_MS), value: hour.value.format(exponent), sum: running.value.format(exponent), readings: hour.readings };
  });
}
