/**
 * The time covered by a series, as disjoint half-open ranges. Memory grows with the number of gaps, not the number
 * of readings, so a duplicate or overlapping reading is found in any file size, in any reading order.
 *
 * The ranges sit in a treap (a randomised balanced search tree) keyed by start, kept as parallel arrays: every add
 * is O(log n) whatever the order readings come in, where a sorted array needed O(n) to insert into its middle and
 * made series with many gaps quadratic. A block's single unbroken range is kept by `PendingBlocks` itself, which
 * makes a coverage only for a block's second range.
 */
export class Coverage {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly priority: number[] = [];
  private root = NIL;
  /** xorshift32 state: priorities only need to look random, and a fixed seed keeps runs reproducible. */
  private seed = 0x9e3779b9;

  /** Adds [start, end); returns false, leaving the coverage unchanged, when it overlaps what is already covered. */
  add(start: number, end: number): boolean {
    const before = this.floor(start);
    const after = this.ceilingAbove(start);
    if (before !== NIL && this.ends[before] > start) return false;
    if (after !== NIL && this.starts[after] < end) return false;
    // Extending a neighbour keeps the tree ordered: nothing lies between the two neighbours. A gap filled exactly
    // leaves two touching ranges rather than deleting one, which costs a node only in that rare case.
    if (before !== NIL && this.ends[before] === start) this.ends[before] = end;
    else if (after !== NIL && this.starts[after] === end) this.starts[after] = start;
    else this.insert(start, end);
    return true;
  }

  /** Adds flat [start, end) pairs; false (and nothing added) if any of them overlaps what is covered. */
  addRanges(flat: number[]): boolean {
    for (let i = 0; i < flat.length; i += 2) {
      if (this.overlaps(flat[i], flat[i + 1])) return false;
    }
    for (let i = 0; i < flat.length; i += 2) this.add(flat[i], flat[i + 1]);
    return true;
  }

  /** The covered ranges as flat [start, end) pairs, in no particular order. */
  flat(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.starts.length; i++) out.push(this.starts[i], this.ends[i]);
    return out;
  }

  get rangeCount(): number {
    return this.starts.length;
  }

  overlaps(start: number, end: number): boolean {
    const before = this.floor(start);
    const after = this.ceilingAbove(start);
    return (before !== NIL && this.ends[before] > start) || (after !== NIL && this.starts[after] < end);
  }

  /** The range with the greatest start ≤ `at`. */
  private floor(at: number): number {
    let found = NIL;
    for (let n = this.root; n !== NIL;) {
      if (this.starts[n] <= at) {
        found = n;
        n = this.right[n];
      } else n = this.left[n];
    }
    return found;
  }

  /** The range with the least start > `at`. */
  private ceilingAbove(at: number): number {
    let found = NIL;
    for (let n = this.root; n !== NIL;) {
      if (this.starts[n] > at) {
        found = n;
        n = this.left[n];
      } else n = this.right[n];
    }
    return found;
  }

  private nextPriority(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }

  private insert(start: number, end: number) {
    const node = this.starts.length;
    this.starts.push(start);
    this.ends.push(end);
    this.left.push(NIL);
    this.right.push(NIL);
    this.priority.push(this.nextPriority());
    const [below, above] = this.split(this.root, start);
    this.root = this.merge(this.merge(below, node), above);
  }

  /** Splits a subtree into the nodes with start < key and the rest. */
  private split(n: number, key: number): [number, number] {
    if (n === NIL) return [NIL, NIL];
    if (this.starts[n] < key) {
      const [l, r] = this.split(this.right[n], key);
      this.right[n] = l;
      return [n, r];
    }
    const [l, r] = this.split(this.left[n], key);
    this.left[n] = r;
    return [l, n];
  }

  /** Joins two subtrees where every start in `a` is below every start in `b`. */
  private merge(a: number, b: number): number {
    if (a === NIL) return b;
    if (b === NIL) return a;
    if (this.priority[a] > this.priority[b]) {
      this.right[a] = this.merge(this.right[a], b);
      return a;
    }
    this.left[b] = this.merge(a, this.left[b]);
    return b;
  }
}

const NIL = -1;
