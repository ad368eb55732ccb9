/** CIM reading values are decimal text ("2.147"); ours are integers. The conversion is exact or it fails. */

const INT48_MIN = -(2n ** 47n);
const INT48_MAX = 2n ** 47n - 1n;

const DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,6}))?\s*$/;

export type ScaledValue = { value: number } | { problem: 'not-a-number' | 'too-precise' | 'out-of-range' };

/**
 * `text × 10^decimals` as an Int48 integer, computed on the digits (never through a float, so "0.1" is exactly
 * 100 at 3 decimals). Accepts xs:decimal and xs:double lexical forms, exponent included. Refuses NaN and INF,
 * values with more significant decimals than `decimals` (rounding would silently change a meter's data) and
 * values outside Int48 (the portal's value range, as in ESPI).
 */
export function scaleDecimal(text: string, decimals: number): ScaledValue {
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return { problem: 'not-a-number' };
  const fraction = m[3] ?? '';
  let digits = (m[2] + fraction).replace(/^0+/, '');
  if (digits === '') return { value: 0 };
  let shift = Number(m[4] ?? 0) - fraction.length + decimals;
  if (shift < 0) {
    const dropped = digits.slice(Math.max(0, digits.length + shift));
    if (/[1-9]/.test(dropped)) return { problem: 'too-precise' };
    digits = digits.slice(0, Math.max(0, digits.length + shift));
    shift = 0;
  }
  // Int48 has 15 digits: anything longer cannot fit, and checking first keeps a hostile exponent cheap.
  if (digits.length + shift > 16) return { problem: 'out-of-range' };
  const magnitude = BigInt(digits || '0') * 10n ** BigInt(shift);
  const v = m[1] === '-' ? -magnitude : magnitude;
  if (v < INT48_MIN || v > INT48_MAX) return { problem: 'out-of-range' };
  return { value: Number(v) };
}
