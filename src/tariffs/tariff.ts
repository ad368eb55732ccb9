// A tariff as the API prices with it: one version of a utility's published rate, normalised from URDB
// (src/tariffs/urdb.ts). Pure data: the services store it as JSON and read it back unchanged.

/** One block of a period's energy rate. `max`: cumulative units in the block's window (null: unlimited). */
export interface TariffTier {
  max: number | null;
  /** Decimal string, currency per unit (URDB rate + adj). */
  rate: string;
}

export interface TariffPeriod {
  index: number;
  name: string;
  tiers: TariffTier[];
  /** Decimal string, currency credited per unit exported; null when the period has none. */
  sell: string | null;
}

/** Over which window a tier's `max` accumulates: the billing month (URDB "kWh") or the local day ("kWh daily"). */
export type TierWindow = 'month' | 'day';

export interface TariffVersion {
  /** The tariff's code (URDB `name`): what the ODS and ESPI tariffProfile name. */
  code: string;
  /** This version's id (URDB `label`). */
  label: string;
  name: string;
  utility: string | null;
  sector: string | null;
  /** Unit of the energy rates: kWh (URDB) or therm. */
  unit: 'kWh' | 'therm';
  /** From when this version applies (a change of rate applies from its date); null: since ever. */
  validFrom: Date | null;
  /** Until when it applies, exclusive, when the source says; the next version's validFrom ends it anyway. */
  validTo: Date | null;
  periods: TariffPeriod[];
  tierWindow: TierWindow;
  /** 12 local months × 24 local hours → period index, Monday to Friday and Saturday–Sunday. */
  weekday: number[][];
  weekend: number[][];
  /** Decimal strings, currency per month and per day (URDB gives one of them). */
  fixedMonthlyCharge: string;
  fixedDailyCharge: string;
  minMonthlyCharge: string | null;
  currency: 'USD';
  /** Parts of the published rate the portal cannot price (demand charges need demand readings): shown, not guessed. */
  unpriced: string[];
}

/** A tariff file that cannot be used, naming the field at fault. */
export class TariffError extends Error {
  readonly name = 'TariffError';

  constructor(
    readonly source: string,
    readonly field: string,
    message: string,
  ) {
    super(`${source}: ${field}: ${message}`);
  }
}
