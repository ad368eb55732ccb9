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
