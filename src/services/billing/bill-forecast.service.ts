import type { DataSource } from 'typeorm';
import { preparedRows } from '../../db/prepared';
import type { Directory } from '../customers/directory';
import { InvalidInputError } from '../errors';
import { comparedRange, PREVIOUS_YEAR, reachOf } from '../usage/compare-period';
import { formatScaled } from '../usage/decimal';
import { periodEdges, Resolution } from '../usage/periods';
import { rangeUsage, type RangeTotals } from '../usage/range-usage';
import type { UsageSeries, UsageService } from '../usage/usage.service';
import { ZoneClock } from '../usage/zone-clock';
import { openCycle, type CycleOrigin } from './billing-cycle';
import { MIN_COMPLETE_DAYS, weekdayProjection, type Projection, type RemainingDay, type WindowDay } from './projection';

export type ForecastOutcome = 'PROJECTED' | 'NO_DATA' | 'STALE_DATA' | 'TOO_FEW_DAYS' | 'LOW_COVERAGE';

export interface ProjectionFigures {
  value: string;
  cost: string | null;
  low: string;
  high: string;
  lowCost: string | null;
  highCost: string | null;
  /** Last year's rest of the cycle over its four weeks before, applied to the remaining days; null when not known. */
  lastYearFactor: number | null;
  /** Complete days of the lookback window the averages stand on. */
  basisDays: number;
}

export interface BillForecastFigures {
  asOf: Date;
  periodStart: Date;
  periodEnd: Date;
  basis: CycleOrigin;
  timeZone: string;
  unit: UsageSeries['unit'];
  currency: string | null;
  soFar: RangeTotals;
  coverage: number | null;
  projected: ProjectionFigures | null;
  lastYear: RangeTotals | null;
  status: ForecastOutcome;
  reason: string | null;
}

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 28;
/** Below this share of expected readings in the cycle so far, the usage so far is too low to build on. */
export const MIN_COVERAGE = 0.9;
/** Readings further behind asOf than this are missing rather than not yet delivered. */
const MAX_DATA_LAG_MS = 3 * DAY_MS;
/** A client clock a little ahead of ours still asks for "now". */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Last year's shape adjusts the remaining days at most this much either way: beyond, last year was another household. */
const FACTOR_LIMITS = [0.5, 2] as const;

const coverageOf = (usage: RangeTotals) => (usage.expected ? usage.readings / usage.expected : null);
const round = (value: number, places: number) => formatScaled(BigInt(Math.round(value * 10 ** places)), -places);

/** The open billing cycle of a usage point's delivered series: usage and cost so far, and where they are heading. */
export class BillForecastService {
  constructor(
    private readonly db: DataSource,
    private readonly directory: Directory,
    private readonly usage: UsageService,
  ) {}

  async forecast(
    usagePointId: string,
    asOfArgument: Date | null | undefined,
    now = Date.now(),
  ): Promise<BillForecastFigures | null> {
    const asOf = asOfArgument?.getTime() ?? now;
    if (Number.isNaN(asOf)) throw new InvalidInputError('asOf is not a valid date-time', 'asOf');
    if (asOf > now + CLOCK_SKEW_MS)
      throw new InvalidInputError(
        'asOf is in the future: a forecast is made from the readings up to now (omit asOf for now)',
        'asOf',
      );
    const usagePoint = await this.directory.usagePoint(usagePointId);
    if (!usagePoint) return null;
    const zone = usagePoint.timeZone ?? 'UTC';
    const cycle = openCycle(zone, asOf, await this.lastBillEnd(usagePointId, asOf));
    const clock = new ZoneClock(zone, cycle.start - reachOf(PREVIOUS_YEAR) - (WINDOW_DAYS + 1) * DAY_MS, cycle.end);
    // Local midnight `days` after that of the local day of t.
    const midnight = (t: number, days: number) =>
      clock.instant(Date.parse(`${clock.localDate(t)}T00:00:00Z`) + days * DAY_MS);
    const history = await this.usage.completeness(usagePointId, {
      from: new Date(midnight(cycle.start, -WINDOW_DAYS)),
      to: new Date(asOf),
      timeZone: zone,
    });
    if (!history) return null;
    const { days, dataThrough } = history;

    // The cycle so far ends at the latest reading: later readings are not late yet, that time is projected.
    const soFarEnd = Math.max(cycle.start, Math.min(asOf, dataThrough?.getTime() ?? cycle.start));
    const total = (start: number, end: number) =>
      rangeUsage(this.usage, usagePointId, { resolution: Resolution.DAY, timeZone: zone }, start, end);
    const lastYearOf = (start: number, end: number) => {
      const range = comparedRange(clock, start, end, PREVIOUS_YEAR);
      return total(range.start, range.end);
    };
    // The lookback window: the last four weeks of local days before the one the cycle so far ends in.
    const windowEnd = midnight(soFarEnd, 0);
    const windowStart = midnight(soFarEnd, -WINDOW_DAYS);
    const [soFar, lastYearCycle, lastYearRest, lastYearWindow] = await Promise.all([
      total(cycle.start, soFarEnd),
      lastYearOf(cycle.start, cycle.end),
      lastYearOf(soFarEnd, cycle.end),
      lastYearOf(windowStart, windowEnd),
    ]);

    const coverage = coverageOf(soFar);
    const window: WindowDay[] = days.buckets
      .filter((day) => day.start.getTime() >= windowStart && day.end.getTime() <= windowEnd)
      .map((day) => ({
        weekday: clock.local(day.start.getTime()).getUTCDay(),
        value: Number(day.value),
        complete: day.expected === null ? day.readings > 0 : day.readings >= day.expected,
      }));
    const base = {
      asOf: new Date(asOf),
      periodStart: new Date(cycle.start),
      periodEnd: new Date(cycle.end),
      basis: cycle.basis,
      timeZone: zone,
      unit: days.unit,
      currency: days.currency,
      soFar,
      coverage,
      lastYear: lastYearCycle.readings > 0 ? lastYearCycle : null,
    };
    const refuse = (status: ForecastOutcome, reason: string): BillForecastFigures => ({
      ...base,
      projected: null,
      status,
      reason,
    });

    if (days.readings === 0)
      return refuse('NO_DATA', `no readings in the cycle so far or in the ${WINDOW_DAYS} days before it`);
    if (dataThrough && asOf - dataThrough.getTime() > MAX_DATA_LAG_MS) {
      return refuse(
        'STALE_DATA',
        `the latest reading ended at ${dataThrough.toISOString()}, more than ${MAX_DATA_LAG_MS / DAY_MS} days before asOf`,
      );
    }
    const projection = weekdayProjection(window, this.remainingDays(clock, midnight, soFarEnd, cycle.end));
    if (!projection)
      return refuse(
        'TOO_FEW_DAYS',
        `fewer than ${MIN_COMPLETE_DAYS} complete days of readings in the ${WINDOW_DAYS} days before ${new Date(windowEnd).toISOString()}`,
      );
    if (coverage !== null && coverage < MIN_COVERAGE) {
      return refuse(
        'LOW_COVERAGE',
        `only ${(coverage * 100).toFixed(1)}% of the expected readings of the cycle so far are in (at least ${MIN_COVERAGE * 100}% needed)`,
      );
    }

    const projected = this.figures(soFar, days, projection, this.lastYearFactor(lastYearRest, lastYearWindow));
    return { ...base, projected, status: 'PROJECTED', reason: null };
  }

  /** The projection as figures: so far plus the remaining usage, costed at the cycle's cost per unit so far. */
  private figures(
    soFar: RangeTotals,
    history: UsageSeries,
    projection: Projection,
    factor: number | null,
  ): ProjectionFigures {
    const remaining = projection.remaining * (factor ?? 1);
    const soFarValue = Number(soFar.value);
    const unitCost = this.unitCost(soFar, history);
    const soFarCost = soFar.cost === null ? (soFar.readings === 0 ? 0 : null) : Number(soFar.cost);
    const cost = (usage: number) =>
      unitCost === null || soFarCost === null ? null : round(soFarCost + usage * unitCost, 2);
    return {
      value: round(soFarValue + remaining, 3),
      cost: cost(remaining),
      low: round(soFarValue + remaining * projection.lowRatio, 3),
      high: round(soFarValue + remaining * projection.highRatio, 3),
      lowCost: cost(remaining * projection.lowRatio),
      highCost: cost(remaining * projection.highRatio),
      lastYearFactor: factor,
      basisDays: projection.days,
    };
  }

  /** End of the latest bill of the usage point that ended at or before asOf. */
  private async lastBillEnd(usagePointId: string, asOf: number): Promise<number | null> {
    const params: unknown[] = [usagePointId, new Date(asOf)];
    const where = this.directory.scope.whereUsagePointId('t.usage_point_id', params);
    const [row] = await preparedRows<{ end: Date }>(
      this.db,
      `SELECT max(t.billing_period_start + t.billing_period_duration * interval '1 second') AS end FROM usage_summary t
       WHERE t.usage_point_id = $1 AND t.billing_period_start + t.billing_period_duration * interval '1 second' <= $2 AND ${where}`,
      params,
    );
    return row?.end ? row.end.getTime() : null;
  }

  /** The rest of the local day soFarEnd falls in, then each local day to the cycle's end, as shares of their length. */
  private remainingDays(
    clock: ZoneClock,
    midnight: (t: number, days: number) => number,
    from: number,
    to: number,
  ): RemainingDay[] {
    const edges = periodEdges(clock, from, to, Resolution.DAY);
    return edges.slice(1).map((end, i) => {
      const dayStart = midnight(edges[i], 0);
      return {
        weekday: clock.local(dayStart).getUTCDay(),
        fraction: (end - edges[i]) / (midnight(edges[i], 1) - dayStart),
      };
    });
  }

  /** Usage per day of last year's rest of the cycle over that of its four weeks before, when both were read in full. */
  private lastYearFactor(rest: RangeTotals, window: RangeTotals): number | null {
    const perDay = (usage: RangeTotals) =>
      Number(usage.value) / ((usage.end.getTime() - usage.start.getTime()) / DAY_MS);
    const full = (usage: RangeTotals) => usage.readings > 0 && (coverageOf(usage) ?? 1) >= MIN_COVERAGE;
    if (!full(rest) || !full(window) || perDay(window) <= 0) return null;
    return Math.min(FACTOR_LIMITS[1], Math.max(FACTOR_LIMITS[0], perDay(rest) / perDay(window)));
  }

  /** Cost per unit of the cycle so far, or of the days before it when nothing has been used yet. */
  private unitCost(soFar: RangeTotals, history: UsageSeries): number | null {
    if (soFar.cost !== null && Number(soFar.value) !== 0) return Number(soFar.cost) / Number(soFar.value);
    return history.cost !== null && Number(history.total) !== 0 ? Number(history.cost) / Number(history.total) : null;
  }
}
