import { Coverage } from './coverage';
import { BlockInfo } from './records';

// Fields of one block's row in `PendingBlocks.rows`. NaN stands for "none" in the range and span fields.
const SOLE_START = 0;
const SOLE_END = 1;
const FIRST_START = 2;
const LAST_END = 3;
const DURATION = 4;
const DURATION_COUNT = 5;
/** Running sums of raw values and costs, exact below 2^52 (SPILL); beyond it they move into `spilled` as bigint. */
export const VALUE = 6;
export const COST = 7;
const STRIDE = 8;
const EMPTY_ROW = [NaN, NaN, NaN, NaN, 0, 0, 0, 0];
const SPILL = 2 ** 52;
/** Distinct durations counted per block: enough to describe a mismatch, bounded whatever the file holds. */
const MAX_DURATIONS = 32;

/**
 * What the linker must know about every block until the end of the file, when owners are decided: its coverage,
 * reading durations, value and cost totals and time span. A large file has a block per day and meter reading, so
 * each block is one row of eight numbers in a shared Float64Array (no object, no boxed number per block); the
 * rare block with a gap, a second reading duration or a total past 2^52 keeps the extra in a side map.
 */
export class PendingBlocks {
  /** The readers number blocks 0, 1, 2, … so rows and infos are indexed by ordinal. */
  private rows = new Float64Array(STRIDE * 1024);
  private readonly infos: BlockInfo[] = [];
  /** A block's coverage once it has a second, separate range. */
  private readonly trees = new Map<number, Coverage>();
  /** Durations after a block's first, with their counts. */
  private readonly moreDurations = new Map<number, { durations: number[]; counts: number[] }>();
  /** Spilled part of a VALUE or COST sum, keyed by its index in `rows`. */
  private readonly spilled = new Map<number, bigint>();

  constructor() {
    this.reset(0);
  }

  register(info: BlockInfo) {
    if (this.infos[info.ordinal]) return;
    const needed = (info.ordinal + 1) * STRIDE;
    if (needed > this.rows.length) {
      const old = this.rows;
      this.rows = new Float64Array(Math.max(needed, old.length * 2));
      this.rows.set(old);
      this.reset(old.length / STRIDE);
    }
    this.infos[info.ordinal] = info;
  }

  private reset(fromRow: number) {
    for (let at = fromRow * STRIDE; at < this.rows.length; at += STRIDE) this.rows.set(EMPTY_ROW, at);
  }

  /** Registered blocks in ordinal order. */
  *blocks(): Generator<BlockInfo> {
    for (const info of this.infos) if (info) yield info;
  }

  /** Adds [start, end) to the block's coverage; false, leaving it unchanged, when it overlaps what is covered. */
  cover(ordinal: number, start: number, end: number): boolean {
    const tree = this.trees.get(ordinal);
    if (tree) return tree.add(start, end);
    const at = ordinal * STRIDE;
    const soleStart = this.rows[at + SOLE_START];
    const soleEnd = this.rows[at + SOLE_END];
    if (Number.isNaN(soleStart)) {
      this.rows[at + SOLE_START] = start;
      this.rows[at + SOLE_END] = end;
    } else if (start < soleEnd && end > soleStart) return false;
    else if (start === soleEnd) this.rows[at + SOLE_END] = end;
    else if (end === soleStart) this.rows[at + SOLE_START] = start;
    else {
      const grown = new Coverage();
      grown.add(soleStart, soleEnd);
      grown.add(start, end);
      this.trees.set(ordinal, grown);
    }
    return true;
  }

  /** Merges the block's coverage into a series'; false (and nothing merged) if any of it overlaps. */
  coverInto(ordinal: number, series: Coverage): boolean {
    const tree = this.trees.get(ordinal);
    if (tree) return series.addAll(tree);
    const at = ordinal * STRIDE;
    return Number.isNaN(this.rows[at + SOLE_START]) || series.add(this.rows[at + SOLE_START], this.rows[at + SOLE_END]);
  }

  /** One accepted reading: its span, duration and, where present, value and cost. */
  count(ordinal: number, start: number, end: number, duration: number, value: number | undefined, cost: number | undefined) {
    const at = ordinal * STRIDE;
    if (value !== undefined) this.sum(at + VALUE, value);
    if (cost !== undefined) this.sum(at + COST, cost);
    const first = this.rows[at + FIRST_START];
    if (Number.isNaN(first) || start < first) this.rows[at + FIRST_START] = start;
    const last = this.rows[at + LAST_END];
    if (Number.isNaN(last) || end > last) this.rows[at + LAST_END] = end;
    if (this.rows[at + DURATION_COUNT] === 0) {
      this.rows[at + DURATION] = duration;
      this.rows[at + DURATION_COUNT] = 1;
    } else if (this.rows[at + DURATION] === duration) this.rows[at + DURATION_COUNT]++;
    else this.countMoreDurations(ordinal, duration);
  }

  private countMoreDurations(ordinal: number, duration: number) {
    let more = this.moreDurations.get(ordinal);
    if (!more) this.moreDurations.set(ordinal, (more = { durations: [], counts: [] }));
    const known = more.durations.indexOf(duration);
    if (known >= 0) more.counts[known]++;
    else if (more.durations.length < MAX_DURATIONS - 1) {
      more.durations.push(duration);
      more.counts.push(1);
    }
  }

  private sum(at: number, x: number) {
    const sum = this.rows[at] + x;
    if (sum > SPILL || sum < -SPILL) {
      this.spilled.set(at, (this.spilled.get(at) ?? 0n) + BigInt(sum));
      this.rows[at] = 0;
    } else this.rows[at] = sum;
  }

  /** The exact VALUE or COST total of a block. */
  total(ordinal: number, field: typeof VALUE | typeof COST): bigint {
    const at = ordinal * STRIDE + field;
    return (this.spilled.get(at) ?? 0n) + BigInt(this.rows[at]);
  }

  firstStart(ordinal: number): number | undefined {
    return orUndefined(this.rows[ordinal * STRIDE + FIRST_START]);
  }

  lastEnd(ordinal: number): number | undefined {
    return orUndefined(this.rows[ordinal * STRIDE + LAST_END]);
  }

  /** Distinct reading durations with their counts, in the order first seen. */
  durations(ordinal: number): [duration: number, count: number][] {
    const at = ordinal * STRIDE;
    if (this.rows[at + DURATION_COUNT] === 0) return [];
    const more = this.moreDurations.get(ordinal);
    return [[this.rows[at + DURATION], this.rows[at + DURATION_COUNT]], ...(more?.durations.map((d, i): [number, number] => [d, more.counts[i]]) ?? [])];
  }
}

const orUndefined = (x: number) => (Number.isNaN(x) ? undefined : x);
