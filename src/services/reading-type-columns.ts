import type { ReadingTypeFields } from '../espi';

// The reading_type table's columns and the ESPI ReadingType fields they hold: one mapping for the loader that writes
// the rows and for the exports (ESPI, CIM) that read them back.

const SCALAR_FIELDS: [string, Exclude<keyof ReadingTypeFields, (typeof RATIO_FIELDS)[number]>][] = [
  ['accumulation_behaviour', 'accumulationBehaviour'],
  ['commodity', 'commodity'],
  ['consumption_tier', 'consumptionTier'],
  ['currency', 'currency'],
  ['data_qualifier', 'dataQualifier'],
  ['default_quality', 'defaultQuality'],
  ['flow_direction', 'flowDirection'],
  ['interval_length', 'intervalLength'],
  ['kind', 'kind'],
  ['phase', 'phase'],
  ['power_of_ten_multiplier', 'powerOfTenMultiplier'],
  ['time_attribute', 'timeAttribute'],
  ['tou', 'tou'],
  ['uom', 'uom'],
  ['cpp', 'cpp'],
  ['measuring_period', 'measuringPeriod'],
];
const RATIO_FIELDS = ['interharmonic', 'argument'] as const;

/** Every column of a reading type's natural key, with the value it takes from ESPI fields (`aggregate`: never set). */
export const READING_TYPE_COLUMNS: [string, (rt: ReadingTypeFields) => number | undefined][] = [
  ...SCALAR_FIELDS.map(([column, field]): [string, (rt: ReadingTypeFields) => number | undefined] => [column, (rt) => rt[field]]),
  ...RATIO_FIELDS.flatMap((name): [string, (rt: ReadingTypeFields) => number | undefined][] => [
    [`${name}_numerator`, (rt) => rt[name]?.numerator],
    [`${name}_denominator`, (rt) => rt[name]?.denominator],
  ]),
  ['aggregate', () => undefined],
];

/** The ESPI fields of a reading_type row (`t.*`); NULL columns are absent fields. */
export function readingTypeOfRow(row: Record<string, string | number | null>): ReadingTypeFields {
  const out: Record<string, unknown> = {};
  for (const [column, field] of SCALAR_FIELDS) if (row[column] !== null && row[column] !== undefined) out[field] = Number(row[column]);
  for (const name of RATIO_FIELDS) {
    const numerator = row[`${name}_numerator`];
    const denominator = row[`${name}_denominator`];
    if (numerator != null || denominator != null) {
      out[name] = { ...(numerator != null ? { numerator: Number(numerator) } : {}), ...(denominator != null ? { denominator: Number(denominator) } : {}) };
    }
  }
  return out as ReadingTypeFields;
}
