// Readable names for the ESPI codes the API exposes. Codes without a name map to OTHER (or null) rather than failing:
// feeds from other utilities carry codes we have not met, and their readings must still be served.

export type FlowDirection = 'DELIVERED' | 'RECEIVED' | 'NET';

/**
 * ESPI FlowDirectionKind 1 (forward) is energy delivered to the customer, 19 (reverse) received from the customer
 * (solar export), 4 is a metered net. A reading type without a flow direction is taken as delivered: that is what
 * single-register consumption feeds mean by omitting it.
 */
export function flowDirectionOf(code: number | null): FlowDirection | null {
  if (code === null || code === 1) return 'DELIVERED';
  if (code === 19) return 'RECEIVED';
  if (code === 4) return 'NET';
  return null;
}

export type Unit =
  | 'KWH'
  | 'KVARH'
  | 'KVAH'
  | 'KW'
  | 'KVAR'
  | 'KVA'
  | 'THERM'
  | 'CUBIC_METRE'
  | 'CUBIC_FOOT'
  | 'US_GALLON'
  | 'NONE'
  | 'OTHER';

interface UnitInfo {
  unit: Unit;
  symbol: string;
  /** Power of ten from the ESPI unit to the unit shown: Wh are shown as kWh, so −3. */
  shift: number;
}

const UNITS: Record<number, UnitInfo> = {
  0: { unit: 'NONE', symbol: '', shift: 0 },
  38: { unit: 'KW', symbol: 'kW', shift: -3 },
  42: { unit: 'CUBIC_METRE', symbol: 'm³', shift: 0 },
  61: { unit: 'KVA', symbol: 'kVA', shift: -3 },
  63: { unit: 'KVAR', symbol: 'kVAr', shift: -3 },
  71: { unit: 'KVAH', symbol: 'kVAh', shift: -3 },
  72: { unit: 'KWH', symbol: 'kWh', shift: -3 },
  73: { unit: 'KVARH', symbol: 'kVArh', shift: -3 },
  119: { unit: 'CUBIC_FOOT', symbol: 'ft³', shift: 0 },
  128: { unit: 'US_GALLON', symbol: 'US gal', shift: 0 },
  169: { unit: 'THERM', symbol: 'therm', shift: 0 },
};

export function unitOf(uom: number | null): UnitInfo {
  return UNITS[uom ?? 0] ?? { unit: 'OTHER', symbol: `uom ${uom}`, shift: 0 };
}

/** Exponent that turns a raw value of this reading type into the unit shown. */
export function valueExponent(uom: number | null, powerOfTenMultiplier: number | null): number {
  return (powerOfTenMultiplier ?? 0) + unitOf(uom).shift;
}

export type Commodity = 'ELECTRICITY' | 'NATURAL_GAS' | 'PROPANE' | 'WATER' | 'STEAM' | 'HEATING_FLUID' | 'COOLING_FLUID' | 'OTHER';

const COMMODITIES: Record<number, Commodity> = {
  1: 'ELECTRICITY',
  2: 'ELECTRICITY',
  7: 'NATURAL_GAS',
  8: 'PROPANE',
  9: 'WATER',
  10: 'STEAM',
  11: 'WATER',
  12: 'HEATING_FLUID',
  13: 'COOLING_FLUID',
  14: 'WATER',
};

export function commodityOf(code: number | null): Commodity | null {
  if (code === null || code === 0) return null;
  return COMMODITIES[code] ?? 'OTHER';
}

export type Accumulation = 'BULK_QUANTITY' | 'CUMULATIVE' | 'DELTA' | 'INDICATING' | 'SUMMATION' | 'INSTANTANEOUS' | 'OTHER';

const ACCUMULATIONS: Record<number, Accumulation> = {
  1: 'BULK_QUANTITY',
  3: 'CUMULATIVE',
  4: 'DELTA',
  6: 'INDICATING',
  9: 'SUMMATION',
  12: 'INSTANTANEOUS',
};

export function accumulationOf(code: number | null): Accumulation | null {
  if (code === null || code === 0) return null;
  return ACCUMULATIONS[code] ?? 'OTHER';
}

export type ServiceCategory = 'ELECTRICITY' | 'GAS' | 'WATER' | 'TIME' | 'HEAT' | 'REFUSE' | 'SEWERAGE' | 'RATES' | 'TV_LICENCE' | 'INTERNET' | 'OTHER';

const CATEGORIES: ServiceCategory[] = ['ELECTRICITY', 'GAS', 'WATER', 'TIME', 'HEAT', 'REFUSE', 'SEWERAGE', 'RATES', 'TV_LICENCE', 'INTERNET'];

export function serviceCategoryOf(code: number): ServiceCategory {
  return CATEGORIES[code] ?? 'OTHER';
}

const CURRENCIES: Record<number, string> = { 36: 'AUD', 124: 'CAD', 484: 'MXN', 826: 'GBP', 840: 'USD', 978: 'EUR' };

/** ISO 4217 alphabetic code of a numeric one; unknown codes stay numeric (three digits) rather than guessed. */
export function currencyOf(code: number | null): string | null {
  if (code === null) return null;
  return CURRENCIES[code] ?? String(code).padStart(3, '0');
}

export type ReadingQuality =
  | 'VALID'
  | 'MANUALLY_EDITED'
  | 'ESTIMATED_REFERENCE_DAY'
  | 'ESTIMATED_LINEAR_INTERPOLATION'
  | 'QUESTIONABLE'
  | 'DERIVED'
  | 'PROJECTED'
  | 'MIXED'
  | 'RAW'
  | 'WEATHER_NORMALIZED'
  | 'OTHER'
  | 'VALIDATED'
  | 'VERIFIED'
  | 'REVENUE_QUALITY';

// ESPI QualityOfReadingKind codes.
const QUALITIES: Record<number, ReadingQuality> = {
  0: 'VALID',
  7: 'MANUALLY_EDITED',
  8: 'ESTIMATED_REFERENCE_DAY',
  9: 'ESTIMATED_LINEAR_INTERPOLATION',
  10: 'QUESTIONABLE',
  11: 'DERIVED',
  12: 'PROJECTED',
  13: 'MIXED',
  14: 'RAW',
  15: 'WEATHER_NORMALIZED',
  16: 'OTHER',
  17: 'VALIDATED',
  18: 'VERIFIED',
  19: 'REVENUE_QUALITY',
};

/** The quality bitmask of interval_reading as names (bit n = code n). */
export function qualitiesOf(mask: number): ReadingQuality[] {
  const out: ReadingQuality[] = [];
  for (let code = 0; code < 31; code += 1) {
    if (mask & (1 << code)) out.push(QUALITIES[code] ?? 'OTHER');
  }
  return [...new Set(out)];
}
