import { periodAt, versionAt } from './schedule';
import { TariffError, type TariffPeriod, type TariffVersion } from './tariff';

// Pricing is exact: rates are published decimals (at most nine places), values raw integers of the series, and each
// interval's cost is rounded once, half away from zero, to 1/100000 of the currency — the resolution of ESPI costs —
// so re-pricing under the tariff that produced stored costs gives those costs to the unit.

const RATE_PLACES = 9;
/** Cost units are 10^-5 of the currency. */
const COST_PLACES = 5;

/** A decimal string as an integer count of 10^-places. */
export function decimalUnits(text: string, places: number): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`not a decimal: ${text}`);
  const fraction = match[3] ?? '';
  if (fraction.replace(/0+$/, '').length > places)
    throw new RangeError(`${text} has more than ${places} decimal places`);
  const digits = BigInt(match[2] + fraction.padEnd(places, '0').slice(0, places));
  return match[1] ? -digits : digits;
}

/** n / 10^k rounded half away from zero. */
function divideByPowerOfTen(n: bigint, k: number): bigint {
  if (k <= 0) return n * 10n ** BigInt(-k);
  const divisor = 10n ** BigInt(k);
  const half = divisor / 2n;
  return n >= 0n ? (n + half) / divisor : -((-n + half) / divisor);
}

/** An interval to price, with the local wall-clock facts its period and tier depend on. */
export interface LocalInterval {
  /** Epoch ms of the interval's start: which version applies. */
  at: number;
  /** Raw integer value in the series' unit × 10^exponent. */
  value: bigint;
  month: number;
  hour: number;
  weekend: boolean;
  /** Billing month (or local day, for daily tiers) the interval counts toward: tiers restart with a new window. */
  window: string;
}

export interface PricedInterval {
  period: TariffPeriod;
  /** 10^-5 of the currency. */
  cost: bigint;
}

/**
 * Prices the intervals of one series in time order. `exponent` turns the series' raw integers into the tariff's unit
 * (Wh → kWh: −3); tier blocks accumulate per window, and an interval that crosses a block limit is split across it.
 */
export class TariffPricer {
  private window: string | null = null;
  private used = 0n;
  private readonly rates = new Map<TariffVersion, bigint[][]>();
  private readonly limits = new Map<TariffVersion, (bigint | null)[][]>();

  constructor(
    private readonly versions: readonly TariffVersion[],
    private readonly exponent: number,
  ) {
    if (versions.length === 0) throw new RangeError('a tariff without versions prices nothing');
    for (const version of versions) {
      this.rates.set(
        version,
        version.periods.map((p) => p.tiers.map((t) => decimalUnits(t.rate, RATE_PLACES))),
      );
      // Block limits in raw units of the series: max × 10^-exponent, kept exact by scaling the decimal.
      this.limits.set(
        version,
        version.periods.map((p) => p.tiers.map((t) => (t.max === null ? null : this.rawUnits(t.max)))),
      );
    }
  }

  private rawUnits(max: number): bigint {
    const places = RATE_PLACES;
    return divideByPowerOfTen(decimalUnits(String(max), places), places + this.exponent);
  }

  price(interval: LocalInterval): PricedInterval {
    const version = versionAt(this.versions, interval.at);
    if (!version)
      throw new TariffError(
        this.versions[0].code,
        'validity',
        `no version in force at ${new Date(interval.at).toISOString()}`,
      );
    if (interval.window !== this.window) {
      this.window = interval.window;
      this.used = 0n;
    }
    const period = periodAt(version, interval.month, interval.hour, interval.weekend);
    const rates = (this.rates.get(version) as bigint[][])[period.index];
    const limits = (this.limits.get(version) as (bigint | null)[][])[period.index];
    let remaining = interval.value;
    let scaled = 0n;
    for (let tier = 0; tier < rates.length && remaining !== 0n; tier += 1) {
      const limit = limits[tier];
      const room =
        limit === null || remaining < 0n ? remaining : limit - this.used > remaining ? remaining : limit - this.used;
      if (room <= 0n && limit !== null && remaining > 0n) continue;
      scaled += room * rates[tier];
      this.used += room;
      remaining -= room;
    }
    return { period, cost: divideByPowerOfTen(scaled, RATE_PLACES - COST_PLACES - this.exponent) };
  }
}

/** Fixed charges of one billing cycle of `days` days starting at `start`: one monthly charge, and the daily ones. */
export function cycleCharges(versions: readonly TariffVersion[], start: number, days: number): bigint | null {
  const version = versionAt(versions, start);
  if (!version) return null;
  return (
    decimalUnits(version.fixedMonthlyCharge, COST_PLACES) +
    decimalUnits(version.fixedDailyCharge, COST_PLACES) * BigInt(days)
  );
}

/** Fixed charges of [from, to) under the versions in force, in 10^-5 of the currency: whole windows, pro rata days. */
export function fixedCharges(
  versions: readonly TariffVersion[],
  months: readonly { start: number; days: number; billedDays: number }[],
): bigint {
  let total = 0n;
  for (const month of months) {
    const version = versionAt(versions, month.start);
    if (!version) continue;
    const monthly = decimalUnits(version.fixedMonthlyCharge, COST_PLACES);
    const daily = decimalUnits(version.fixedDailyCharge, COST_PLACES);
    total +=
      divideByPowerOfTen((monthly * BigInt(month.billedDays) * 1_000_000n) / BigInt(month.days), 6) +
      daily * BigInt(month.billedDays);
  }
  return total;
}
