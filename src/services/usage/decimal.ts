// Sums of energy and money are exact: raw integers are added exactly and scaled by a power of ten only when
// formatted, so 0.1 + 0.2 never becomes 0.30000000000000004 and a year of quarter-hours loses nothing.

/** `raw × 10^exponent` as a plain decimal string without exponent notation or trailing fractional zeros. */
export function formatScaled(raw: bigint | number, exponent: number): string {
  const negative = raw < 0;
  const digits = String(negative ? -raw : raw);
  let text: string;
  if (exponent >= 0) {
    text = digits === '0' ? '0' : digits + '0'.repeat(exponent);
  } else {
    const places = -exponent;
    const padded = digits.length > places ? digits : digits.padStart(places + 1, '0');
    const whole = padded.slice(0, padded.length - places);
    let end = padded.length;
    while (end > padded.length - places && padded.charCodeAt(end - 1) === 48) end -= 1;
    text = end > whole.length ? `${whole}.${padded.slice(whole.length, end)}` : whole;
  }
  return negative && text !== '0' ? `-${text}` : text;
}

/**
 * An exact integer sum of integer strings (SQL `sum(...)::text`). It stays a float64 while every partial sum is a safe
 * integer, where float arithmetic is exact and allocates nothing (a year of days is 732 additions per answer), and
 * becomes a bigint for good the first time it would not be.
 */
export class ExactSum {
  private small = 0;
  private big: bigint | null = null;

  add(text: string): void {
    if (this.big === null) {
      const term = Number(text);
      const sum = this.small + term;
      if (Number.isSafeInteger(term) && Number.isSafeInteger(sum)) {
        this.small = sum;
        return;
      }
      this.big = BigInt(this.small);
    }
    this.big += BigInt(text);
  }

  /** A term read by PackedRows: NaN when it needs a bigint, with its exact digits. */
  addInteger(term: number, digits: string): void {
    if (this.big === null && !Number.isNaN(term)) {
      const sum = this.small + term;
      if (Number.isSafeInteger(sum)) {
        this.small = sum;
        return;
      }
    }
    this.big = (this.big ?? BigInt(this.small)) + (Number.isNaN(term) ? BigInt(digits) : BigInt(term));
  }

  merge(other: ExactSum): void {
    if (this.big === null && other.big === null && Number.isSafeInteger(this.small + other.small)) {
      this.small += other.small;
      return;
    }
    this.big = (this.big ?? BigInt(this.small)) + (other.big ?? BigInt(other.small));
  }

  format(exponent: number): string {
    return formatScaled(this.big ?? this.small, exponent);
  }
}

/** Cost columns hold 1/100000 of the currency. */
export const COST_EXPONENT = -5;
