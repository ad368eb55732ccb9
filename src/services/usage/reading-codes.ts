// Readable names for the ESPI codes the API exposes. Codes without a name map to OTHER (or null) rather than failing:
// feeds from other utilities carry codes we have not met, and their readings must still be served.

export enum FlowDirection {
  DELIVERED = 'DELIVERED',
  RECEIVED = 'RECEIVED',
  NET = 'NET',
}

/**
 * ESPI FlowDirectionKind 1 (forward) is energy delivered to the customer, 19 (reverse) received from the customer
 * (solar export), 4 is a metered net. A reading type without a flow direction is taken as delivered: that is what
 * single-register consumption feeds mean by omitting it.
 */
export function flowDirectionOf(code: number | null): FlowDirection | null {
  if (code === null || code === 1) return FlowDirection.DELIVERED;
  if (code === 19) return FlowDirection.RECEIVED;
  if (code === 4) return FlowDirection.NET;
  return null;
}

export enum Unit {
  KWH = 'KWH',
  KVARH = 'KVARH',
  KVAH = 'KVAH',
  KW = 'KW',
  KVAR = 'KVAR',
  KVA = 'KVA',
  THERM = 'THERM',
  CUBIC_METRE = 'CUBIC_METRE',
  CUBIC_FOOT = 'CUBIC_FOOT',
  US_GALLON = 'US_GALLON',
  NONE = 'NONE',
  OTHER = 'OTHER',
}

interface UnitInfo {
  unit: Unit;
  symbol: string;
  /** Power of ten from the ESPI unit to the unit shown: Wh are shown as kWh, so −3. */
  shift: number;
}

const UNITS: Record<number, UnitInfo> = {
  0: { unit: Unit.NONE, symbol: '', shift: 0 },
  38: { unit: Unit.KW, symbol: 'kW', shift: -3 },
  42: { unit: Unit.CUBIC_METRE, symbol: 'm³', shift: 0 },
  61: { unit: Unit.KVA, symbol: 'kVA', shift: -3 },
  63: { unit: Unit.KVAR, symbol: 'kVAr', shift: -3 },
  71: { unit: Unit.KVAH, symbol: 'kVAh', shift: -3 },
  72: { unit: Unit.KWH, symbol: 'kWh', shift: -3 },
  73: { unit: Unit.KVARH, symbol: 'kVArh', shift: -3 },
  119: { unit: Unit.CUBIC_FOOT, symbol: 'ft³', shift: 0 },
  128: { unit: Unit.US_GALLON, symbol: 'US gal', shift: 0 },
  169: { unit: Unit.THERM, symbol: 'therm', shift: 0 },
};

export function unitOf(uom: number | null): UnitInfo {
  return UNITS[uom ?? 0] ?? { unit: Unit.OTHER, symbol: `uom ${uom}`, shift: 0 };
}

/** Exponent that turns a raw value of this reading type into the unit shown. */
export function valueExponent(uom: number | null, powerOfTenMultiplier: number | null): number {
  return (powerOfTenMultiplier ?? 0) + unitOf(uom).shift;
}

export enum Commodity {
  ELECTRICITY = 'ELECTRICITY',
  NATURAL_GAS = 'NATURAL_GAS',
  PROPANE = 'PROPANE',
  WATER = 'WATER',
  STEAM = 'STEAM',
  HEATING_FLUID = 'HEATING_FLUID',
  COOLING_FLUID = 'COOLING_FLUID',
  OTHER = 'OTHER',
}

const COMMODITIES: Record<number, Commodity> = {
  1: Commodity.ELECTRICITY,
  2: Commodity.ELECTRICITY,
  7: Commodity.NATURAL_GAS,
  8: Commodity.PROPANE,
  9: Commodity.WATER,
  10: Commodity.STEAM,
  11: Commodity.WATER,
  12: Commodity.HEATING_FLUID,
  13: Commodity.COOLING_FLUID,
  14: Commodity.WATER,
};

export function commodityOf(code: number | null): Commodity | null {
  if (code === null || code === 0) return null;
  return COMMODITIES[code] ?? Commodity.OTHER;
}

export enum Accumulation {
  BULK_QUANTITY = 'BULK_QUANTITY',
  CUMULATIVE = 'CUMULATIVE',
  DELTA = 'DELTA',
  INDICATING = 'INDICATING',
  SUMMATION = 'SUMMATION',
  INSTANTANEOUS = 'INSTANTANEOUS',
  OTHER = 'OTHER',
}

const ACCUMULATIONS: Record<number, Accumulation> = {
  1: Accumulation.BULK_QUANTITY,
  3: Accumulation.CUMULATIVE,
  4: Accumulation.DELTA,
  6: Accumulation.INDICATING,
  9: Accumulation.SUMMATION,
  12: Accumulation.INSTANTANEOUS,
};

export function accumulationOf(code: number | null): Accumulation | null {
  if (code === null || code === 0) return null;
  return ACCUMULATIONS[code] ?? Accumulation.OTHER;
}

export enum ServiceCategory {
  ELECTRICITY = 'ELECTRICITY',
  GAS = 'GAS',
  WATER = 'WATER',
  TIME = 'TIME',
  HEAT = 'HEAT',
  REFUSE = 'REFUSE',
  SEWERAGE = 'SEWERAGE',
  RATES = 'RATES',
  TV_LICENCE = 'TV_LICENCE',
  INTERNET = 'INTERNET',
  OTHER = 'OTHER',
}

// ESPI ServiceKind codes 0 to 9.
const CATEGORIES: ServiceCategory[] = [
  ServiceCategory.ELECTRICITY,
  ServiceCategory.GAS,
  ServiceCategory.WATER,
  ServiceCategory.TIME,
  ServiceCategory.HEAT,
  ServiceCategory.REFUSE,
  ServiceCategory.SEWERAGE,
  ServiceCategory.RATES,
  ServiceCategory.TV_LICENCE,
  ServiceCategory.INTERNET,
];

export function serviceCategoryOf(code: number): ServiceCategory {
  return CATEGORIES[code] ?? ServiceCategory.OTHER;
}

const CURRENCIES: Record<number, string> = { 36: 'AUD', 124: 'CAD', 484: 'MXN', 826: 'GBP', 840: 'USD', 978: 'EUR' };

/** ISO 4217 alphabetic code of a numeric one; unknown codes stay numeric (three digits) rather than guessed. */
export function currencyOf(code: number | null): string | null {
  if (code === null) return null;
  return CURRENCIES[code] ?? String(code).padStart(3, '0');
}

export enum ReadingQuality {
  VALID = 'VALID',
  MANUALLY_EDITED = 'MANUALLY_EDITED',
  ESTIMATED_REFERENCE_DAY = 'ESTIMATED_REFERENCE_DAY',
  ESTIMATED_LINEAR_INTERPOLATION = 'ESTIMATED_LINEAR_INTERPOLATION',
  QUESTIONABLE = 'QUESTIONABLE',
  DERIVED = 'DERIVED',
  PROJECTED = 'PROJECTED',
  MIXED = 'MIXED',
  RAW = 'RAW',
  WEATHER_NORMALIZED = 'WEATHER_NORMALIZED',
  OTHER = 'OTHER',
  VALIDATED = 'VALIDATED',
  VERIFIED = 'VERIFIED',
  REVENUE_QUALITY = 'REVENUE_QUALITY',
}

// ESPI QualityOfReadingKind codes.
const QUALITIES: Record<number, ReadingQuality> = {
  0: ReadingQuality.VALID,
  7: ReadingQuality.MANUALLY_EDITED,
  8: ReadingQuality.ESTIMATED_REFERENCE_DAY,
  9: ReadingQuality.ESTIMATED_LINEAR_INTERPOLATION,
  10: ReadingQuality.QUESTIONABLE,
  11: ReadingQuality.DERIVED,
  12: ReadingQuality.PROJECTED,
  13: ReadingQuality.MIXED,
  14: ReadingQuality.RAW,
  15: ReadingQuality.WEATHER_NORMALIZED,
  16: ReadingQuality.OTHER,
  17: ReadingQuality.VALIDATED,
  18: ReadingQuality.VERIFIED,
  19: ReadingQuality.REVENUE_QUALITY,
};

/** The quality bitmask of interval_reading as names (bit n = code n). */
export function qualitiesOf(mask: number): ReadingQuality[] {
  const out: ReadingQuality[] = [];
  for (let code = 0; code < 31; code += 1) {
    if (mask & (1 << code)) out.push(QUALITIES[code] ?? ReadingQuality.OTHER);
  }
  return [...new Set(out)];
}
