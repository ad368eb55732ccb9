/**
 * The owner of each accepted block, by ordinal, held as runs of consecutive ordinals with one owner: a file lists a
 * meter reading's blocks together, so this is a few runs per meter reading whatever the number of blocks. Reads
 * like a `Map<number, owner>` (`get`, `has`, `size`, iteration in ordinal order).
 */
export class BlockOwners<T> implements Iterable<[number, T]> {
  private readonly firsts: number[] = [];
  private readonly lasts: number[] = [];
  private readonly owners: T[] = [];
  size = 0;

  /** Ordinals must come in ascending order. */
  add(ordinal: number, owner: T) {
    const n = this.owners.length - 1;
    if (n >= 0 && ordinal <= this.lasts[n]) throw new Error(`block ${ordinal} added after block ${this.lasts[n]}`);
    if (n >= 0 && this.owners[n] === owner && this.lasts[n] === ordinal - 1) this.lasts[n] = ordinal;
    else {
      this.firsts.push(ordinal);
      this.lasts.push(ordinal);
      this.owners.push(owner);
    }
    this.size++;
  }

  get(ordinal: number): T | undefined {
    let lo = 0;
    let hi = this.firsts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (ordinal < this.firsts[mid]) hi = mid - 1;
      else if (ordinal > this.lasts[mid]) lo = mid + 1;
      else return this.owners[mid];
    }
    return undefined;
  }

  has(ordinal: number): boolean {
    return this.get(ordinal) !== undefined;
  }

  /** The runs: blocks `first` to `last` (inclusive) belong to `owner`. A loader can store ownership this way too. */
  *runs(): Generator<{ first: number; last: number; owner: T }> {
    for (let i = 0; i < this.owners.length; i++)
      yield { first: this.firsts[i], last: this.lasts[i], owner: this.owners[i] };
  }

  get runCount(): number {
    return this.owners.length;
  }

  *[Symbol.iterator](): Iterator<[number, T]> {
    for (const { first, last, owner } of this.runs()) for (let o = first; o <= last; o++) yield [o, owner];
  }
}
