import type { ReadingTypeFields } from '../espi/records';

/**
 * The 18 dot-separated fields of a 61968-9 ReadingType mRID (Annex C), in order, with the ESPI field that holds
 * the same enumeration: CIM and ESPI share the codes, only the names differ (macroPeriod is ESPI's timeAttribute,
 * aggregate its dataQualifier, measurementKind its kind, phases its phase, multiplier its powerOfTenMultiplier,
 * unit its uom).
 */
const MRID_FIELDS = [
  'timeAttribute',
  'dataQualifier',
  'measuringPeriod',
  'accumulationBehaviour',
  'flowDirection',
  'commodity',
  'kind',
  'interharmonic.numerator',
  'interharmonic.denominator',
  'argument.numerator',
  'argument.denominator',
  'tou',
  'cpp',
  'consumptionTier',
  'phase',
  'powerOfTenMultiplier',
  'uom',
  'currency',
] as const;

const FIELD_CODE = /^-?\d{1,9}$/;

/** Every field, zeros included, so the result encodes back to the same text. Undefined if it is not 18 integers. */
export function decodeReadingTypeMrid(mRID: string): ReadingTypeFields | undefined {
  const parts = mRID.trim().split('.');
  if (parts.length !== MRID_FIELDS.length || !parts.every((p) => FIELD_CODE.test(p))) return undefined;
  const fields: ReadingTypeFields = { interharmonic: {}, argument: {} };
  MRID_FIELDS.forEach((name, i) => {
    const code = Number(parts[i]);
    const [outer, inner] = name.split('.') as [keyof ReadingTypeFields, 'numerator' | 'denominator' | undefined];
    if (inner) (fields[outer] as { numerator?: number; denominator?: number })[inner] = code;
    else (fields as Record<string, number>)[outer] = code;
  });
  return fields;
}

/** Absent fields encode as 0, the standard's "not applicable". */
export function encodeReadingTypeMrid(fields: ReadingTypeFields): string {
  return MRID_FIELDS.map((name) => {
    const [outer, inner] = name.split('.') as [keyof ReadingTypeFields, 'numerator' | 'denominator' | undefined];
    const value = inner
      ? (fields[outer] as { numerator?: number; denominator?: number } | undefined)?.[inner]
      : fields[outer];
    return String(value ?? 0);
  }).join('.');
}
