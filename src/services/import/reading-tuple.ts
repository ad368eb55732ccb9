import type { EspiIntervalReading } from '../../espi';

// A reading's columns in PostgreSQL's binary COPY format (start, duration, value, cost, quality, tou, cpp,
// consumption_tier), encoded once while the file is parsed. Binary COPY skips the server's text parsing of every
// field (timestamptz input most of all): into interval_reading it is about a quarter faster than text COPY or
// INSERT … SELECT, which cost the same.

/** Encoded size of the fields with every one present: 8 length words and 8 + 4 + 8 + 8 + 4 + 2 + 2 + 2 bytes. */
export const MAX_READING_BYTES = 8 * 4 + 38;

/** PostgreSQL's epoch (2000-01-01) in Unix seconds. */
const PG_EPOCH = 946_684_800;
/** to_timestamp's range in Unix seconds: 4714-11-24 BC to 294277-01-01 (exclusive). */
const MIN_START = -210_866_803_200;
const END_START = 9_224_318_016_000;
/** Seconds past which microseconds stop being exact doubles. */
const SAFE_SECONDS = Math.floor(Number.MAX_SAFE_INTEGER / 1e6);
const TWO_32 = 2 ** 32;

/** A reading that no column of interval_reading can hold: the file is refused with this reason. */
export class StagingRefusal extends Error {}

// Through a DataView rather than Buffer's write methods: the per-call argument checks of those cost more than the
// encoding itself at millions of readings.
function int64(view: DataView, at: number, x: number): number {
  const hi = Math.floor(x / TWO_32);
  view.setInt32(at, hi);
  view.setUint32(at + 4, x - hi * TWO_32);
  return at + 8;
}

function field64(view: DataView, at: number, x: number): number {
  view.setInt32(at, 8);
  return int64(view, at + 4, x);
}

function fieldInt(view: DataView, at: number, x: number, bytes: 2 | 4, column: string, r: EspiIntervalReading): number {
  const bound = bytes === 2 ? 0x8000 : 0x80000000;
  if (x < -bound || x >= bound) refuse(`${column} ${x}`, bytes === 2 ? 'smallint' : 'integer', r);
  view.setInt32(at, bytes);
  if (bytes === 2) view.setInt16(at + 4, x);
  else view.setInt32(at + 4, x);
  return at + 4 + bytes;
}

function nullField(view: DataView, at: number): number {
  view.setInt32(at, -1);
  return at + 4;
}

function refuse(what: string, type: string, r: EspiIntervalReading): never {
  const where = r.line === undefined ? '' : ` (IntervalReading at line ${r.line})`;
  throw new StagingRefusal(`reading-out-of-range: ${what}${where} does not fit the ${type} column it is stored in`);
}

/**
 * Writes the reading's fields at `at` (MAX_READING_BYTES free) and returns the end. `quality` is its quality mask.
 * A value no column can hold refuses the file here rather than failing the COPY with a server error.
 */
export function encodeReading(
  view: DataView,
  at: number,
  r: EspiIntervalReading & { value: number },
  quality: number,
): number {
  const start = r.start;
  if (start < MIN_START || start >= END_START) refuse(`start ${start}`, 'timestamptz', r);
  view.setInt32(at, 8);
  const seconds = start - PG_EPOCH;
  if (Math.abs(seconds) <= SAFE_SECONDS) at = int64(view, at + 4, seconds * 1e6);
  else {
    view.setBigInt64(at + 4, BigInt(seconds) * 1_000_000n);
    at += 12;
  }
  at = fieldInt(view, at, r.duration, 4, 'duration', r);
  at = field64(view, at, r.value);
  at = r.cost === undefined ? nullField(view, at) : field64(view, at, r.cost);
  at = fieldInt(view, at, quality, 4, 'quality', r);
  at = r.tou === undefined ? nullField(view, at) : fieldInt(view, at, r.tou, 2, 'tou', r);
  at = r.cpp === undefined ? nullField(view, at) : fieldInt(view, at, r.cpp, 2, 'cpp', r);
  return r.consumptionTier === undefined
    ? nullField(view, at)
    : fieldInt(view, at, r.consumptionTier, 2, 'consumptionTier', r);
}

/** The start of a binary COPY stream: signature, flags, header extension length. */
export const COPY_SIGNATURE = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
/** The end of one: a field count of -1. */
export const COPY_TRAILER = Buffer.from([0xff, 0xff]);

/**
 * What goes before a reading's fields in a tuple: the field count and the leading columns (bigints, or null for
 * an absent one; `block` is the staging table's integer).
 */
export function tuplePrefix(leading: (string | null)[], block?: number): Buffer {
  const size = 2 + (block === undefined ? 0 : 8) + leading.reduce((n, v) => n + (v === null ? 4 : 12), 0);
  const buf = Buffer.alloc(size);
  let at = buf.writeInt16BE(leading.length + (block === undefined ? 0 : 1) + 8, 0);
  if (block !== undefined) {
    at = buf.writeInt32BE(4, at);
    at = buf.writeInt32BE(block, at);
  }
  for (const v of leading) {
    if (v === null) at = buf.writeInt32BE(-1, at);
    else {
      at = buf.writeInt32BE(8, at);
      at = buf.writeBigInt64BE(BigInt(v), at);
    }
  }
  return buf;
}
