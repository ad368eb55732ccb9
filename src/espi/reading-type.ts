import { ReadingTypeFields } from './records';

export type Flow = 'delivered' | 'received' | 'net' | 'total' | 'unspecified';

/** CIM FlowDirectionKind codes: 1 forward (delivered to the customer), 19 reverse (received from them), 4 net, 20 total. */
export function flowOf(rt: ReadingTypeFields): Flow {
  switch (rt.flowDirection) {
    case 1:
      return 'delivered';
    case 19:
      return 'received';
    case 4:
      return 'net';
    case 20:
      return 'total';
    default:
      return 'unspecified';
  }
}

/** The fields that say what a series measures; currency and defaultQuality do not, so they stay out of the key. */
const SIGNATURE_FIELDS = [
  'kind',
  'uom',
  'powerOfTenMultiplier',
  'flowDirection',
  'accumulationBehaviour',
  'commodity',
  'dataQualifier',
  'intervalLength',
  'phase',
  'timeAttribute',
  'measuringPeriod',
  'tou',
  'cpp',
  'consumptionTier',
] as const;

/**
 * The natural key part of a meter reading: two files describing the same series agree on it whatever their
 * hrefs and atom ids, so a re-import updates instead of duplicating.
 */
export function readingTypeSignature(rt: ReadingTypeFields): string {
  const parts: string[] = SIGNATURE_FIELDS.map((f) => `${f}=${rt[f] ?? ''}`);
  const ratio = (r?: { numerator?: number; denominator?: number }) =>
    r ? `${r.numerator ?? ''}/${r.denominator ?? ''}` : '';
  parts.push(`interharmonic=${ratio(rt.interharmonic)}`, `argument=${ratio(rt.argument)}`);
  return parts.join(';');
}

/** A raw value in its unit as an exact decimal string: value × 10^multiplier, never through a float. */
export function scaledDecimal(value: bigint | number, multiplier: number): string {
  const v = BigInt(value);
  const negative = v < 0n;
  let digits = (negative ? -v : v).toString();
  if (multiplier >= 0) digits += '0'.repeat(multiplier);
  else {
    digits = digits.padStart(-multiplier + 1, '0');
    const point = digits.length + multiplier;
    digits = `${digits.slice(0, point)}.${digits.slice(point)}`.replace(/\.?0+$/, '');
  }
  return (negative && digits !== '0' ? '-' : '') + digits;
}
