import type { ReadingTypeFields } from '../espi';
import { ReadingTypeEntity } from '../entities';
import { entityColumn, uniqueFields, type EntityField } from '../entities/columns';

// The reading_type table's columns and the ESPI ReadingType fields they hold, read from ReadingTypeEntity: one mapping
// for the loader that writes the rows and for the exports (ESPI, CIM) that read them back. The entity's fields carry
// the ESPI names; a RationalNumber or ReadingInterharmonic takes two of them, and `aggregate` is none (never set).

type RatioName = 'interharmonic' | 'argument';
type ScalarField = Exclude<keyof ReadingTypeFields, RatioName>;
type Field = EntityField<ReadingTypeEntity>;
type Getter = (rt: ReadingTypeFields) => number | undefined;

const columnOf = (field: Field) => entityColumn(ReadingTypeEntity, field).name;

/** The entity fields of each ratio's numerator and denominator. */
const RATIOS: [RatioName, numerator: Field, denominator: Field][] = [
  ['interharmonic', 'interharmonicNumerator', 'interharmonicDenominator'],
  ['argument', 'argumentNumerator', 'argumentDenominator'],
];
const SIGNATURE_FIELDS = uniqueFields(ReadingTypeEntity, 'uq_reading_type_signature');
const NOT_SCALAR = new Set<Field>([
  'aggregate',
  ...RATIOS.flatMap(([, numerator, denominator]) => [numerator, denominator]),
]);
const SCALAR_FIELDS = SIGNATURE_FIELDS.filter((field) => !NOT_SCALAR.has(field)) as ScalarField[];

/** The ESPI value a signature field takes. */
function getterOf(field: Field): Getter {
  for (const [name, numerator, denominator] of RATIOS) {
    if (field === numerator) return (rt) => rt[name]?.numerator;
    if (field === denominator) return (rt) => rt[name]?.denominator;
  }
  return NOT_SCALAR.has(field) ? () => undefined : (rt) => rt[field as ScalarField];
}

/** Every column of a reading type's natural key (uq_reading_type_signature), with the value it takes from ESPI fields. */
export const READING_TYPE_SIGNATURE: [string, Getter][] = SIGNATURE_FIELDS.map((field) => [
  columnOf(field),
  getterOf(field),
]);

const SCALAR_COLUMNS = SCALAR_FIELDS.map((field) => [columnOf(field), field] as const);
const RATIO_COLUMNS = RATIOS.map(
  ([name, numerator, denominator]) => [name, columnOf(numerator), columnOf(denominator)] as const,
);

/** The ESPI fields of a reading_type row (`t.*`); NULL columns are absent fields. */
export function readingTypeOfRow(row: Record<string, string | number | null>): ReadingTypeFields {
  const out: Record<string, unknown> = {};
  for (const [column, field] of SCALAR_COLUMNS)
    if (row[column] !== null && row[column] !== undefined) out[field] = Number(row[column]);
  for (const [name, numeratorColumn, denominatorColumn] of RATIO_COLUMNS) {
    const numerator = row[numeratorColumn];
    const denominator = row[denominatorColumn];
    if (numerator != null || denominator != null) {
      out[name] = {
        ...(numerator != null ? { numerator: Number(numerator) } : {}),
        ...(denominator != null ? { denominator: Number(denominator) } : {}),
      };
    }
  }
  return out as ReadingTypeFields;
}
