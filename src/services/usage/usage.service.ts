import type { DataSource } from 'typeorm';
import { ESTIMATED_QUALITY_MASK } from '../../entities';
import type { Directory } from '../customers/directory';
import type { ReadingTypeRecord } from '../customers/records';
import { isBigintKey } from '../access/global-id';
import { keyset, toPage, type Page, type PageRequest } from '../pagination';
import {
  AggregateLoaders,
  type PackedRollups,
  type RawRequest,
  type ReadingRow,
  type ReadingsRequest,
} from './aggregates';
import { Accumulator } from './accumulator';
import { PackedRows } from './packed-rows';
import { COST_EXPONENT } from './decimal';
import { hourlyStatistics, type HourStatistic, type StatisticsQuery } from './hourly-statistics';
import { bucketIndex, periodEdges, Resolution, type CalendarResolution } from './periods';
import { currencyOf, FlowDirection, unitOf, valueExponent } from './reading-codes';
import { chooseSeries, type ChosenSeries } from './series-choice';
import { checkRange, checkUsageQuery, MAX_BUCKETS, type UsageQuery } from './usage-query';
import { ZoneClock } from './zone-clock';

export interface UsageBucket {
  start: Date;
  end: Date;
  /** Decimal string in the series' unit. */
  value: string;
  /** Decimal string in the currency; null when no reading in the bucket had a cost. */
  cost: string | null;
  readings: number;
  expected: number | null;
  estimated: number;
  /** Epoch ms; null in usage() answers, which do not show them (only completeness() does, and reads them). */
  firstStart: number | null;
  lastEnd: number | null;
}

export interface UsageSeries {
  series: ChosenSeries;
  timeZone: string;
  unit: ReturnType<typeof unitOf>;
  currency: string | null;
  total: string;
  cost: string | null;
  readings: number;
  expected: number | null;
  estimated: number;
  buckets: UsageBucket[];
}

export type IntervalRecord = ReadingRow;

/** Where bucket sums come from: `auto` reads rollups for whole local days and months, `raw` only readings. */
export type UsageSource = 'auto' | 'raw';

/** Readings from the start of a range, forward. */
const FIRST_READINGS: Pick<ReadingsRequest, 'after' | 'before' | 'backward'> = {
  after: null,
  before: null,
  backward: false,
};

/** Max page of intervals(): a day of 5-minute readings is 288, a week of quarter-hours 672. */
export const MAX_INTERVAL_PAGE = 1000;

const DAY_MS = 86_400_000;

interface Span {
  start: number;
  end: number;
  sum: Accumulator;
  expected: number | null;
}

function expectedIn(start: number, end: number, readingType: ReadingTypeRecord): number | null {
  const length = readingType.intervalLength;
  return length ? Math.floor((end - start) / (length * 1000)) : null;
}

/** Usage series, completeness and raw intervals of the usage points an AccessScope can see. One per request. */
export class UsageService {
  private readonly aggregates: AggregateLoaders;

  constructor(
    db: DataSource,
    private readonly directory: Directory,
  ) {
    this.aggregates = new AggregateLoaders(db);
  }

  usage(usagePointId: string, query: UsageQuery, source: UsageSource = 'auto'): Promise<UsageSeries | null> {
    return this.series(usagePointId, query, source, false);
  }

  /** `extent`: the buckets' first reading start and last reading end too, which only completeness() shows. */
  private async series(
    usagePointId: string,
    query: UsageQuery,
    source: UsageSource,
    extent: boolean,
  ): Promise<UsageSeries | null> {
    checkUsageQuery(query);
    const series = await chooseSeries(
      this.directory,
      usagePointId,
      query.direction ?? FlowDirection.DELIVERED,
      query.meterReading,
    );
    if (!series) return null;
    const zone = query.timeZone ?? series.usagePoint.timeZone ?? 'UTC';
    const from = query.from.getTime();
    const to = query.to.getTime();
    const { readingType } = series;
    let spans: Span[];
    if (query.resolution === 'INTERVAL') {
      spans = await this.readingSpans(series, from, to);
    } else {
      const clock = new ZoneClock(zone, from, to);
      const edges = periodEdges(clock, from, to, query.resolution);
      const sums = edges.slice(1).map(() => new Accumulator());
      // Rollups hold local days of the usage point's own zone; another zone, or hours, need the readings.
      const fromRollups =
        source === 'auto' && zone === (series.usagePoint.timeZone ?? 'UTC') && query.resolution !== 'HOUR';
      await (fromRollups
        ? this.sumFromRollups(series, clock, edges, query.resolution, sums, extent)
        : this.sumRaw(series, edges, 0, sums));
      spans = sums.map((sum, i) => ({
        start: edges[i],
        end: edges[i + 1],
        sum,
        expected: expectedIn(edges[i], edges[i + 1], readingType),
      }));
    }
    const exponent = valueExponent(readingType.uom, readingType.powerOfTenMultiplier);
    const total = new Accumulator();
    let expectedTotal: number | null = 0;
    const buckets = spans.map(({ start, end, sum, expected }) => {
      total.merge(sum);
      expectedTotal = expected === null || expectedTotal === null ? null : expectedTotal + expected;
      return {
        start: new Date(start),
        end: new Date(end),
        value: sum.value.format(exponent),
        cost: sum.cost === null ? null : sum.cost.format(COST_EXPONENT),
        readings: sum.readings,
        expected,
        estimated: sum.estimated,
        // Whatever the source: a series from rollups and one from the readings are the same answer.
        firstStart: extent ? sum.firstStart : null,
        lastEnd: extent ? sum.lastEnd : null,
      };
    });
    return {
      series,
      timeZone: zone,
      unit: unitOf(readingType.uom),
      currency: currencyOf(readingType.currency),
      total: total.value.format(exponent),
      cost: total.cost === null ? null : total.cost.format(COST_EXPONENT),
      readings: total.readings,
      // INTERVAL buckets are the readings received, so they cannot say what is missing.
      expected: query.resolution === 'INTERVAL' ? null : expectedTotal,
      estimated: total.estimated,
      buckets,
    };
  }

  /** INTERVAL resolution: one bucket per reading, ending where the reading ends (gaps stay visible). */
  private async readingSpans({ meterReading }: ChosenSeries, from: number, to: number): Promise<Span[]> {
    const rows = await this.readIntervals(
      meterReading.usagePointId,
      meterReading.id,
      new Date(from),
      new Date(to),
      MAX_BUCKETS.INTERVAL,
    );
    return rows.map((row) => {
      const start = row.start.getTime();
      const end = start + row.duration * 1000;
      const sum = new Accumulator();
      sum.add({
        value: row.value,
        cost: row.cost,
        readings: 1,
        estimated: row.quality & ESTIMATED_QUALITY_MASK ? 1 : 0,
        firstStart: start,
        lastEnd: end,
      });
      return { start, end, sum, expected: 1 };
    });
  }

  private async sumRaw(
    { meterReading }: ChosenSeries,
    edges: readonly number[],
    offset: number,
    sums: Accumulator[],
  ): Promise<void> {
    if (edges.length < 2 || edges[0] >= edges[edges.length - 1]) return;
    const request: RawRequest = { usagePointId: meterReading.usagePointId, meterReadingId: meterReading.id, edges };
    for (const row of await this.aggregates.raw.load(request)) sums[offset + row.bucket].add(row);
  }

  /**
   * Whole local days come from usage_daily and, for MONTH and YEAR, whole local months from usage_monthly; the parts
   * of the range that are not whole days are summed from the readings. Every piece is an exact integer sum, so the
   * result is the same as summing the readings.
   */
  private async sumFromRollups(
    series: ChosenSeries,
    clock: ZoneClock,
    edges: number[],
    resolution: CalendarResolution,
    sums: Accumulator[],
    extent: boolean,
  ): Promise<void> {
    const from = edges[0];
    const to = edges[edges.length - 1];
    const dayEdges = resolution === Resolution.DAY ? edges : periodEdges(clock, from, to, Resolution.DAY);
    const isDayStart = (t: number) => clock.dayStart(clock.localDate(t)) === t;
    const fullFrom = isDayStart(from) ? from : (dayEdges[1] ?? to);
    const fullTo = isDayStart(to) ? to : dayEdges[dayEdges.length - 2];
    if (fullFrom >= fullTo) return this.sumRaw(series, edges, 0, sums);

    const slice = (lo: number, hi: number) => [lo, ...edges.filter((t) => t > lo && t < hi), hi];
    const pieces: Promise<void>[] = [
      this.sumRaw(series, slice(from, fullFrom), 0, sums),
      this.sumRaw(series, slice(fullTo, to), bucketIndex(edges, fullTo), sums),
    ];
    const { usagePointId, id: meterReadingId } = series.meterReading;
    const addRows = async (packed: Promise<PackedRollups>, withExtent: boolean) => {
      const rows = new PackedRows(await packed);
      while (rows.nextRow())
        sums[bucketIndex(edges, clock.instant((rows.next() as number) * DAY_MS))].addPacked(rows, withExtent);
    };
    const dailyLoader = extent ? this.aggregates.dailyWithExtent : this.aggregates.daily;
    const daily = (lo: number, hi: number) => {
      if (lo < hi)
        pieces.push(
          addRows(
            dailyLoader.load({
              usagePointId,
              meterReadingId,
              fromDate: clock.localDate(lo),
              toDate: clock.localDate(hi),
            }),
            extent,
          ),
        );
    };
    if (resolution === 'MONTH' || resolution === 'YEAR') {
      const monthEdges = periodEdges(clock, fullFrom, fullTo, Resolution.MONTH);
      const monthFrom = clock.localDate(fullFrom).endsWith('-01') ? fullFrom : (monthEdges[1] ?? fullTo);
      const monthTo = clock.localDate(fullTo).endsWith('-01') ? fullTo : monthEdges[monthEdges.length - 2];
      if (monthFrom < monthTo) {
        daily(fullFrom, monthFrom);
        daily(monthTo, fullTo);
        pieces.push(
          addRows(
            this.aggregates.monthly.load({
              usagePointId,
              meterReadingId,
              fromDate: clock.localDate(monthFrom),
              toDate: clock.localDate(monthTo),
            }),
            false,
          ),
        );
        await Promise.all(pieces);
        return;
      }
    }
    daily(fullFrom, fullTo);
    await Promise.all(pieces);
  }

  async intervals(
    usagePointId: string,
    query: { from: Date; to: Date; direction?: FlowDirection | null; meterReading?: string | null } & PageRequest,
  ): Promise<{ series: ChosenSeries; page: Page<IntervalRecord> } | null> {
    checkRange(query.from, query.to);
    // The key of an interval cursor is the start of a reading, in epoch milliseconds.
    const page = keyset(
      query,
      MAX_INTERVAL_PAGE,
      (key) => isBigintKey(key) && !Number.isNaN(new Date(Number(key)).getTime()),
    );
    const series = await chooseSeries(
      this.directory,
      usagePointId,
      query.direction ?? FlowDirection.DELIVERED,
      query.meterReading,
    );
    if (!series) return null;
    const range = { usagePointId, meterReadingId: series.meterReading.id, from: query.from, to: query.to };
    const instant = (key: string | null) => (key === null ? null : new Date(Number(key)));
    const window = { after: instant(page.afterKey), before: instant(page.beforeKey), backward: page.backward };
    const rows = await this.readIntervals(
      usagePointId,
      range.meterReadingId,
      query.from,
      query.to,
      page.limit + 1,
      window,
    );
    return {
      series,
      page: toPage(
        rows,
        page,
        (row) => String(row.start.getTime()),
        () => this.aggregates.readingCounts.load(range),
      ),
    };
  }

  /** A visible reading by its key (for node(id:)). */
  async interval(
    usagePointId: string,
    meterReadingId: string,
    start: Date,
  ): Promise<{ series: ChosenSeries; reading: IntervalRecord } | null> {
    // An id whose start no Date can hold (a forged one) names no reading.
    if (Number.isNaN(start.getTime())) return null;
    const meterReading = await this.directory.meterReading(meterReadingId);
    if (!meterReading || meterReading.usagePointId !== usagePointId) return null;
    const [usagePoint, readingType] = await Promise.all([
      this.directory.usagePoint(usagePointId),
      this.directory.readingType(meterReading.readingTypeId),
    ]);
    if (!usagePoint || !readingType) return null;
    const [reading] = await this.readIntervals(usagePointId, meterReadingId, start, new Date(start.getTime() + 1), 1);
    return reading ? { series: { usagePoint, meterReading, readingType }, reading } : null;
  }

  private readIntervals(
    usagePointId: string,
    meterReadingId: string,
    from: Date,
    to: Date,
    limit: number,
    window = FIRST_READINGS,
  ): Promise<IntervalRecord[]> {
    return this.aggregates.readings.load({ usagePointId, meterReadingId, from, to, limit, ...window });
  }

  /** Hourly statistics with the running sum of the series (hourly-statistics.ts), on this request's loaders. */
  hourlyStatistics(usagePointId: string, query: StatisticsQuery): Promise<HourStatistic[] | null> {
    return hourlyStatistics(this.directory, this.aggregates, usagePointId, query);
  }

  /** Per local day: expected, received and estimated readings, first and last reading, and the series' data-through. */
  async completeness(
    usagePointId: string,
    query: {
      from: Date;
      to: Date;
      timeZone?: string | null;
      direction?: FlowDirection | null;
      meterReading?: string | null;
    },
  ): Promise<{ days: UsageSeries; dataThrough: Date | null } | null> {
    const days = await this.series(usagePointId, { ...query, resolution: Resolution.DAY }, 'auto', true);
    if (!days) return null;
    return { days, dataThrough: await this.aggregates.latestEnd.load(days.series.meterReading.id) };
  }
}
