/**
 * The time covered by a series, as sorted, merged half-open ranges. Memory grows with the number of gaps, not the
 * number of readings, so a duplicate or overlapping reading is found in any file size, in any reading order.
 */
export class Coverage {
  private starts: number[] = [];
  private ends: number[] = [];

  /** Adds [start, end); returns false, leaving the coverage unchanged, when it overlaps what is already covered. */
  add(start: number, end: number): boolean {
    const s = this.starts;
    const e = this.ends;
    // Index of the first range starting after `start`.
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] <= start) lo = mid + 1;
      else hi = mid;
    }
    const prev = lo - 1;
    if (prev >= 0 && e[prev] > start) return false;
    if (lo < s.length && s[lo] < end) return false;
    const joinsPrev = prev >= 0 && e[prev] === start;
    const joinsNext = lo < s.length && s[lo] === end;
    if (joinsPrev && joinsNext) {
      e[prev] = e[lo];
      s.splice(lo, 1);
      e.splice(lo, 1);
    } else if (joinsPrev) {
      e[prev] = end;
    } else if (joinsNext) {
      s[lo] = start;
    } else {
      s.splice(lo, 0, start);
      e.splice(lo, 0, end);
    }
    return true;
  }

  /** Merges another coverage in; false (and nothing merged) if any of its ranges overlaps this one. */
  addAll(other: Coverage): boolean {
    for (let i = 0; i < other.starts.length; i++) {
      if (this.overlaps(other.starts[i], other.ends[i])) return false;
    }
    for (let i = 0; i < other.starts.length; i++) this.add(other.starts[i], other.ends[i]);
    return true;
  }

  private overlaps(start: number, end: number): boolean {
    for (let i = 0; i < this.starts.length; i++) if (this.starts[i] < end && this.ends[i] > start) return true;
    return false;
  }

  get rangeCount(): number {
    return this.starts.length;
  }
}
