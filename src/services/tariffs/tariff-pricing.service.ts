import type { DataSource } from 'typeorm';
import { cycleCharges, fixedCharges, TariffPricer } from '../../tariffs/pricing';
import { versionAt } from '../../tariffs/schedule';
import type { TariffVersion } from '../../tariffs/tariff';
import { idOf } from '../access/global-id';
import type { Directory } from '../customers/directory';
import type { UsagePointRecord } from '../customers/records';
import { InvalidInputError } from '../errors';
import { COST_EXPONENT, ExactSum, formatScaled } from '../usage/decimal';
import { periodEdges, Resolution } from '../usage/periods';
import { FlowDirection, unitOf, valueExponent } from '../usage/reading-codes';
import { chooseSeries, type ChosenSeries } from '../usage/series-choice';
import type { UsageSeries } from '../usage/usage.service';
import { checkRange } from '../usage/usage-query';
import { ZoneClock } from '../usage/zone-clock';
import { localHours } from './local-hours';
import { periodOfHour, splitHours, type RatePeriodSums } from './rate-periods';
import type { TariffBook, TariffRecord } from './tariff-book';

/** The longest rateComparison range: a year and a month of readings priced one by one. */
export const MAX_COMPARISON_DAYS = 400;
const DAY_MS = 86_400_000;

export interface TariffCostRecord {
  tariff: TariffRecord;
  /** Decimal strings in the currency: energy priced interval by interval, fixed charges, and their sum. */
  energyCost: string;
  fixedCost: string;
  cost: string;
  /** The usage point's own tariff. */
  current: boolean;
  cheapest: boolean;
  /** Sum of the stored costs of the same readings: equal to energyCost when they were priced by this tariff. */
  storedCost: string | null;
  readings: number;
  /** Readings outside every version's validity: not priced under this tariff. */
  unpricedReadings: number;
}

const TARIFF_UNITS: Record<TariffVersion['unit'], string> = { kWh: 'KWH', therm: 'THERM' };

/** Usage by rate period and what the same usage costs under other tariffs, for the usage points a Directory sees. */
export class TariffPricingService {
  constructor(
    private readonly db: DataSource,
    private readonly directory: Directory,
    private readonly book: TariffBook,
  ) {}

  /** The tariff the usage point is on (the ODS says, via ESPI tariffProfile); null when unknown or not loaded. */
  async tariffOf(usagePoint: UsagePointRecord): Promise<TariffRecord | null> {
    return usagePoint.tariffProfile ? this.book.tariffByCode(usagePoint.tariffProfile) : null;
  }

  /**
   * The fixed charges of a billing cycle under the usage point's tariff (its monthly charge, or its daily one for each
   * local day of the cycle), as a decimal string; null without a tariff in force at the cycle's start.
   */
  async cycleFixedCharges(usagePoint: UsagePointRecord, start: Date, end: Date): Promise<string | null> {
    const tariff = await this.tariffOf(usagePoint);
    if (!tariff) return null;
    const clock = new ZoneClock(usagePoint.timeZone ?? 'UTC', start.getTime(), end.getTime());
    const charges = cycleCharges(tariff.versions, start.getTime(), clock.localDays(start.getTime(), end.getTime()));
    return charges === null ? null : formatScaled(charges, COST_EXPONENT);
  }

  /**
   * The sums per rate period of each bucket of a usage() answer; null when the usage point has no tariff. INTERVAL
   * buckets are single readings, so each is wholly in one period.
   */
  async ratePeriodsOf(usage: UsageSeries, resolution: string): Promise<RatePeriodSums[][] | null> {
    const tariff = await this.tariffOf(usage.series.usagePoint);
    if (!tariff) return null;
    const { buckets } = usage;
    if (buckets.length === 0) return [];
    const from = buckets[0].start.getTime();
    const to = buckets[buckets.length - 1].end.getTime();
    // Rate periods are drawn in the usage point's local time, whatever zone the buckets are shown in.
    const tariffZone = usage.series.usagePoint.timeZone ?? 'UTC';
    if (resolution === 'INTERVAL') {
      const clock = new ZoneClock(tariffZone, from, to);
      return buckets.map((b) => {
        const local = clock.local(b.start.getTime());
        const name = periodOfHour(
          tariff.versions,
          b.start.getTime(),
          local.getUTCMonth() + 1,
          local.getUTCHours(),
          local.getUTCDay() || 7,
        );
        return [{ name, value: b.value, cost: b.cost }];
      });
    }
    const { meterReading, readingType } = usage.series;
    const hours = await localHours(
      this.db,
      { usagePointId: meterReading.usagePointId, meterReadingId: meterReading.id },
      new Date(from),
      new Date(to),
      tariffZone,
    );
    const edges = [...buckets.map((b) => b.start.getTime()), to];
    return splitHours(hours, tariff.versions, edges, valueExponent(readingType.uom, readingType.powerOfTenMultiplier));
  }

  /**
   * The delivered usage of [from, to) priced under each tariff asked for and the usage point's own: every reading at
   * the rate of its local hour's period and tier block (blocks fill per local calendar month, or day), plus fixed
   * charges (whole months, partial ones pro rata by day). Null when the usage point is not visible or has no
   * delivered series.
   */
  async compare(
    usagePointId: string,
    query: { from: Date; to: Date; tariffs: readonly string[] },
  ): Promise<TariffCostRecord[] | null> {
    checkRange(query.from, query.to);
    if (query.to.getTime() - query.from.getTime() > MAX_COMPARISON_DAYS * DAY_MS) {
      throw new InvalidInputError(`the range is too large: at most ${MAX_COMPARISON_DAYS} days`, 'to');
    }
    const series = await chooseSeries(this.directory, usagePointId, FlowDirection.DELIVERED);
    if (!series) return null;
    const current = await this.tariffOf(series.usagePoint);
    const asked = await Promise.all(
      query.tariffs.map(async (globalId) => {
        const key = idOf(globalId, 'Tariff');
        const tariff = key && (await this.book.tariff(key));
        if (!tariff) throw new InvalidInputError(`no tariff ${globalId}`, 'tariffs');
        return tariff;
      }),
    );
    const tariffs = [...(current ? [current] : []), ...asked].filter(
      (t, i, all) => all.findIndex((o) => o.id === t.id) === i,
    );
    const unit = unitOf(series.readingType.uom).unit;
    for (const tariff of tariffs) {
      const mismatch = tariff.versions.find((v) => TARIFF_UNITS[v.unit] !== unit);
      if (mismatch)
        throw new InvalidInputError(
          `tariff ${tariff.code} prices ${mismatch.unit}, the usage is in ${unitOf(series.readingType.uom).symbol}`,
          'tariffs',
        );
    }
    const zone = series.usagePoint.timeZone ?? 'UTC';
    const readings = await this.readings(series, query.from, query.to, zone);
    const clock = new ZoneClock(zone, query.from.getTime(), query.to.getTime());
    const months = this.billedMonths(clock, query.from.getTime(), query.to.getTime());
    const stored = new ExactSum();
    let costed = false;
    for (const r of readings) {
      if (r.cost !== null) {
        stored.add(r.cost);
        costed = true;
      }
    }
    const exponent = valueExponent(series.readingType.uom, series.readingType.powerOfTenMultiplier);
    const priced = tariffs.map((tariff) => {
      const pricer = new TariffPricer(tariff.versions, exponent);
      let energy = 0n;
      let unpriced = 0;
      for (const r of readings) {
        if (!versionAt(tariff.versions, r.at)) {
          unpriced += 1;
          continue;
        }
        const window = tariff.versions[0].tierWindow === 'day' ? r.local.slice(0, 10) : r.local.slice(0, 7);
        energy += pricer.price({
          at: r.at,
          value: BigInt(r.value),
          month: Number(r.local.slice(5, 7)),
          hour: Number(r.local.slice(11, 13)),
          weekend: Number(r.local.slice(14)) >= 6,
          window,
        }).cost;
      }
      const fixed = fixedCharges(tariff.versions, months);
      return { tariff, energy, fixed, total: energy + fixed, unpriced };
    });
    const lowest = priced.reduce((min, p) => (p.total < min ? p.total : min), priced[0]?.total ?? 0n);
    return priced.map(({ tariff, energy, fixed, total, unpriced }) => ({
      tariff,
      energyCost: formatScaled(energy, COST_EXPONENT),
      fixedCost: formatScaled(fixed, COST_EXPONENT),
      cost: formatScaled(total, COST_EXPONENT),
      current: tariff === current,
      cheapest: total === lowest,
      storedCost: costed ? stored.format(COST_EXPONENT) : null,
      readings: readings.length,
      unpricedReadings: unpriced,
    }));
  }

  private async readings(series: ChosenSeries, from: Date, to: Date, zone: string) {
    return (await this.db.query(
      `SELECT (extract(epoch FROM start) * 1000)::float8 AS at, value::text AS value, cost::text AS cost,
              to_char(start AT TIME ZONE $5, 'YYYY-MM-DD HH24 ID') AS local
         FROM interval_reading
        WHERE usage_point_id = $1 AND meter_reading_id = $2 AND start >= $3 AND start < $4
        ORDER BY start`,
      [series.meterReading.usagePointId, series.meterReading.id, from, to, zone],
    )) as { at: number; value: string; cost: string | null; local: string }[];
  }

  /** Local calendar months of [from, to) with their length and the days of them in the range. */
  private billedMonths(clock: ZoneClock, from: number, to: number) {
    const edges = periodEdges(clock, from, to, Resolution.MONTH);
    return edges.slice(1).map((end, i) => {
      const start = edges[i];
      const local = clock.local(start);
      const days = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 0)).getUTCDate();
      return { start, days, billedDays: clock.localDays(start, end) };
    });
  }
}
