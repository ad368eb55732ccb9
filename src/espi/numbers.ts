/** ESPI Int48: the range of every value, cost and bill amount. */
export const INT48_MIN = -(2 ** 47);
export const INT48_MAX = 2 ** 47 - 1;

const INTEGER = /^[+-]?\d+$/;

/**
 * Parses an xs:integer-like text. Real files pad numbers with spaces (`<intervalLength> 900 </intervalLength>`),
 * so surrounding whitespace is allowed; anything else (fractions, exponents, empty) is not a number here.
 * Returns undefined when the text is not an integer or is outside the range where a double is exact.
 */
export function parseInteger(text: string): number | undefined {
  const t = text.trim();
  if (!INTEGER.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function isInt48(n: number): boolean {
  return n >= INT48_MIN && n <= INT48_MAX;
}

/** Parses hexBinary text (DST rules, roleFlags). Returns undefined for anything that is not an even count of hex digits. */
export function parseHexBinary(text: string): { value: number; digits: number } | undefined {
  const t = text.trim();
  if (t.length === 0 || t.length > 8 || t.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(t)) return undefined;
  return { value: Number.parseInt(t, 16), digits: t.length };
}

/**
 * The integer in bytes[start, end) (XML whitespace around it allowed), or NaN: the per-reading path, so a byte loop
 * rather than a string, a regex and `Number`. Digits accumulate exactly below 2^53; anything longer is far outside
 * Int48, which the caller checks, so its inexactness never matters.
 */
export function scanIntegerBytes(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && isXmlSpace(bytes[i])) i++;
  while (end > i && isXmlSpace(bytes[end - 1])) end--;
  const first = bytes[i];
  const negative = first === 0x2d;
  if (negative || first === 0x2b) i++;
  if (i >= end) return NaN;
  let n = 0;
  for (; i < end; i++) {
    const digit = bytes[i] - 0x30;
    if (digit < 0 || digit > 9) return NaN;
    n = n * 10 + digit;
  }
  return negative ? -n : n;
}

/** `scanIntegerBytes` for text that did not come straight from the input (split runs, entity fields). */
export function scanInteger(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return scanIntegerBytes(bytes, 0, bytes.length);
}

function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}
