import { SpilledBlock } from './block-spill';
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
const VALUE = 6;
const COST = 7;
const STRIDE = 8;
const EMPTY_ROW = [NaN, NaN, NaN, NaN, 0, 0, 0, 0];
const SPILL = 2 ** 52;
/** Distinct durations counted per block: enough to describe a mismatch, bounded whatever the file holds. */
const MAX_DURATIONS = 32;

/**
 * What the linker tracks of the blocks whose readings are streaming: coverage, reading durations, value and cost
 * totals and time span. Only open blocks are here (one, or the blocks of the entry being read when an entry holds
 * several): a finished block leaves as a `SpilledBlock`. Each open block is one row of eight numbers in a shared
 * Float64Array, reused once the block closes; the rare block with a gap, a second reading duration or a total past
 * 2^52 keeps the extra in a side map.
 */
export class PendingBlocks {
  private rows = new Float64Array(STRIDE * 4);
  /** Row of each open block, by ordinal. */
  private readonly slots = new Map<number, number>();
  private readonly free: number[] = [0, 1, 2, 3];
  /** A block's coverage once it has a second, separate range. */
  private readonly trees = new Map<number, Coverage>();
  /** Durations after a block's first, with their counts. */
  private readonly moreDurations = new Map<number, { durations: number[]; counts: number[] }>();
  /** Spilled part of a VALUE or COST sum, keyed by its index in `rows`. */
  private readonly spilled = new Map<number, bigint>();
  /** Most blocks open at once: what this holds, whatever the file size. */
  peakOpen = 0;

  /** Opens the block's row unless it is open already; returns the row's offset. */
  private row(ordinal: number): number {
    const slot = this.slots.get(ordinal);
    if (slot !== undefined) return slot * STRIDE;
    if (this.free.length === 0) {
      const old = this.rows;
      this.rows = new Float64Array(old.length * 2);
      this.rows.set(old);
      for (let s = old.length / STRIDE; s < this.rows.length / STRIDE; s++) this.free.push(s);
    }
    const fresh = this.free.pop()!;
    this.rows.set(EMPTY_ROW, fresh * STRIDE);
    this.slots.set(ordinal, fresh);
    this.peakOpen = Math.max(this.peakOpen, this.slots.size);
    return fresh * STRIDE;
  }

  /** Adds [start, end) to the block's coverage; false, leaving it unchanged, when it overlaps what is covered. */
  cover(ordinal: number, start: number, end: number): boolean {
    const tree = this.trees.get(ordinal);
    if (tree) return tree.add(start, end);
    const at = this.row(ordinal);
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

  /** One accepted reading (already covered): its span, duration and, where present, value and cost. */
  count(
    ordinal: number,
    start: number,
    end: number,
    duration: number,
    value: number | undefined,
    cost: number | undefined,
  ) {
    const at = this.row(ordinal);
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

  /** The finished block's figures (a block without readings has none); its row is freed. */
  close(info: BlockInfo): SpilledBlock {
    const o = info.ordinal;
    const at = this.row(o);
    const r = this.rows;
    const tree = this.trees.get(o);
    const more = this.moreDurations.get(o);
    const total = (field: number) => (this.spilled.get(at + field) ?? 0n) + BigInt(r[at + field]);
    const closed: SpilledBlock = {
      ordinal: o,
      line: info.line,
      entry: info.entry,
      readingCount: info.readingCount,
      ranges: tree ? tree.flat() : Number.isNaN(r[at + SOLE_START]) ? [] : [r[at + SOLE_START], r[at + SOLE_END]],
      durations: r[at + DURATION_COUNT] === 0 ? [] : [r[at + DURATION], r[at + DURATION_COUNT]],
      valueTotal: total(VALUE),
      costTotal: total(COST),
      firstStart: orUndefined(r[at + FIRST_START]),
      lastEnd: orUndefined(r[at + LAST_END]),
    };
    more?.durations.forEach((d, i) => closed.durations.push(d, more.counts[i]));
    this.trees.delete(o);
    this.moreDurations.delete(o);
    this.spilled.delete(at + VALUE);
    this.spilled.delete(at + COST);
    this.slots.delete(o);
    this.free.push(at / STRIDE);
    return closed;
  }
}

const orUndefined = (x: number) => (Number.isNaN(x) ? undefined : x);
