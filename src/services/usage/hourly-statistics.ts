import type { Directory } from '../customers/directory';
import { InvalidInputError } from '../errors';
import { Accumulator } from './accumulator';
import type { AggregateLoaders, PackedRollups } from './aggregates';
import { PackedRows } from './packed-rows';
import { FlowDirection, valueExponent } from './reading-codes';
import { chooseSeries } from './series-choice';
import { ZoneClock } from './zone-clock';

// Hourly long-term statistics as home-energy dashboards import them (Home Assistant's recorder: one row per hour with
// the hour's `state` and the running `sum` of the series). Hours are UTC hours: the same as local hours in every zone
// with a whole-hour offset, and what such a recorder stores in a zone with a :30 or :45 offset too (there they start
// at :30 or :45 local time).

/** Most hours one answer holds (31 days): a client continues from the last hour it received. */
export const MAX_STATISTIC_HOURS = 744;

const HOUR_MS = 3_600_000;
/** A rollup date before any series begins. */
const BEGINNING = '1970-01-01';
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

interface Window {
  start: number;
  /** Sums of the part of the local day before `start` (when it has one), then of each hour. */
  lead: Accumulator;
  hours: Accumulator[];
}

/**
 * The hours of a series from `since` (floored to the hour, or from the hour of the series' first reading when that
 * is later) through the last hour with readings, at most MAX_STATISTIC_HOURS and never past the hour in progress.
 * The running sum before the first hour is whole local months and days of rollups plus the readings of the local day
 * before it: a few dozen rows whatever the series' age, read beside the hours. Every statement is a batched
 * AggregateLoaders read, so many usage points cost as few statements as one. Null when the usage point has no such
 * series.
 */
export async function hourlyStatistics(
  directory: Directory,
  aggregates: AggregateLoaders,
  usagePointId: string,
  query: StatisticsQuery,
): Promise<HourStatistic[] | null> {
  if (!(query.since instanceof Date) || Number.isNaN(query.since.getTime()))
    throw new InvalidInputError('since is not a valid date-time', 'since');
  const series = await chooseSeries(
    directory,
    usagePointId,
    query.direction ?? FlowDirection.DELIVERED,
    query.meterReading,
  );
  if (!series) return null;
  const { meterReading, readingType } = series;
  const key = { usagePointId: meterReading.usagePointId, meterReadingId: meterReading.id };
  const since = floorHour(query.since.getTime());
  // Rollups hold local days of the usage point's zone: months and days before the local day of `since` from them.
  const clock = new ZoneClock(series.usagePoint.timeZone ?? 'UTC', since, since);
  const day = clock.localDate(since);
  const month = `${day.slice(0, 8)}01`;
  const dayStart = clock.dayStart(day);
  const hoursFrom = async (start: number): Promise<Window> => {
    const end = Math.max(start, Math.min(start + MAX_STATISTIC_HOURS * HOUR_MS, floorHour(Date.now()) + HOUR_MS));
    const edges = dayStart < start ? [dayStart] : [];
    const leading = edges.length;
    for (let t = start; t <= end; t += HOUR_MS) edges.push(t);
    const window = { start, lead: new Accumulator(), hours: edges.slice(leading + 1).map(() => new Accumulator()) };
    if (window.hours.length === 0) return window;
    for (const row of await aggregates.raw.load({ ...key, edges }))
      (row.bucket < leading ? window.lead : window.hours[row.bucket - leading]).add(row);
    return window;
  };
  const [months, days, asked] = await Promise.all([
    aggregates.monthly.load({ ...key, fromDate: BEGINNING, toDate: month }),
    aggregates.daily.load({ ...key, fromDate: month, toDate: day }),
    hoursFrom(since),
  ]);
  const running = new Accumulator();
  addRollups(running, months);
  addRollups(running, days);
  running.merge(asked.lead);
  let window = asked;
  if (running.readings === 0) {
    // The series begins after `since`: from the hour of its first reading, so that a client asking from long before
    // gets the first hours of data rather than 744 empty ones.
    const first = window.hours.findIndex((hour) => hour.readings > 0);
    if (first >= 0) {
      window = { ...window, start: window.start + first * HOUR_MS, hours: window.hours.slice(first) };
    } else {
      const [reading] = await aggregates.readings.load({
        ...key,
        from: new Date(dayStart),
        to: END_OF_TIME,
        after: null,
        before: null,
        backward: false,
        limit: 1,
      });
      if (!reading) return [];
      window = await hoursFrom(floorHour(reading.start.getTime()));
    }
  }
  const last = window.hours.findLastIndex((hour) => hour.readings > 0);
  const exponent = valueExponent(readingType.uom, readingType.powerOfTenMultiplier);
  return window.hours.slice(0, last + 1).map((hour, i) => {
    running.merge(hour);
    const hourStart = window.start + i * HOUR_MS;
    return {
      start: new Date(hourStart),
      end: new Date(hourStart + HOUR_MS),
      value: hour.value.format(exponent),
      sum: running.value.format(exponent),
      readings: hour.readings,
    };
  });
}
