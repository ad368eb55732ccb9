import { formatScaled } from './decimal';

// Differences of exact decimal strings (usage and cost sums), in integer arithmetic like the sums themselves.

interface Scaled {
  units: bigint;
  exponent: number;
}

function parse(text: string): Scaled {
  const point = text.indexOf('.');
  if (point < 0) return { units: BigInt(text), exponent: 0 };
  return { units: BigInt(text.slice(0, point) + text.slice(point + 1)), exponent: point - text.length + 1 };
}

/** Both at the finer of their two exponents. */
function aligned(a: string, b: string): [bigint, bigint, number] {
  const x = parse(a);
  const y = parse(b);
  const exponent = Math.min(x.exponent, y.exponent);
  return [x.units * 10n ** BigInt(x.exponent - exponent), y.units * 10n ** BigInt(y.exponent - exponent), exponent];
}

/** a − b, exact. */
export function decimalDifference(a: string, b: string): string {
  const [x, y, exponent] = aligned(a, b);
  return formatScaled(x - y, exponent);
}

const abs = (n: bigint) => (n < 0n ? -n : n);

/**
 * How much `current` is above (positive) or below (negative) `earlier`, in percent of the size of `earlier` (so a net
 * series that went from -10 to -5 rose by 50), rounded half away from zero to one decimal ("12.3"); null when
 * `earlier` is zero, where no percentage exists.
 */
export function percentChange(current: string, earlier: string): string | null {
  const [x, y] = aligned(current, earlier);
  if (y === 0n) return null;
  const tenths = (2n * abs(x - y) * 1000n + abs(y)) / (2n * abs(y));
  return formatScaled(x < y ? -tenths : tenths, -1);
}
