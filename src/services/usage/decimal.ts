// Sums of energy and money are exact: raw integers are added as bigint and scaled by a power of ten only when
// formatted, so 0.1 + 0.2 never becomes 0.30000000000000004 and a year of quarter-hours loses nothing.

/** `raw × 10^exponent` as a plain decimal string without exponent notation or trailing fractional zeros. */
export function formatScaled(raw: bigint, exponent: number): string {
  const negative = raw < 0n;
  const digits = (negative ? -raw : raw).toString();
  let text: string;
  if (exponent >= 0) {
    text = raw === 0n ? '0' : digits + '0'.repeat(exponent);
  } else {
    const places = -exponent;
    const padded = digits.padStart(places + 1, '0');
    const whole = padded.slice(0, padded.length - places);
    const fraction = padded.slice(padded.length - places).replace(/0+$/, '');
    text = fraction ? `${whole}.${fraction}` : whole;
  }
  return negative && text !== '0' ? `-${text}` : text;
}

/** Cost columns hold 1/100000 of the currency. */
export const COST_EXPONENT = -5;
