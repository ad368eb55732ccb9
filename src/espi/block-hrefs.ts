import { Coverage } from './coverage';

/** `…/<n>` with n a plain decimal integer (no leading zero, so `…/07` and `…/7` stay different hrefs). */
const NUMBERED = /^(.*\/)(0|[1-9]\d{0,14})$/;

/**
 * The self hrefs of the blocks read so far, for the repeated-self-link check, in memory that does not grow with
 * the number of blocks: custodians number a meter reading's blocks (`…/IntervalBlock/173740293`), so each
 * collection keeps its numbers as ranges (a run of consecutive numbers is one range, in any order). Other hrefs
 * are kept as they are.
 */
export class BlockHrefs {
  private readonly numbered = new Map<string, Coverage>();
  private readonly other = new Set<string>();

  /** Records an href; false when it was recorded before. */
  add(href: string): boolean {
    const m = NUMBERED.exec(href);
    if (!m) {
      if (this.other.has(href)) return false;
      this.other.add(href);
      return true;
    }
    let numbers = this.numbered.get(m[1]);
    if (!numbers) this.numbered.set(m[1], (numbers = new Coverage()));
    const n = Number(m[2]);
    return numbers.add(n, n + 1);
  }

  has(href: string): boolean {
    const m = NUMBERED.exec(href);
    if (!m) return this.other.has(href);
    const n = Number(m[2]);
    return this.numbered.get(m[1])?.overlaps(n, n + 1) ?? false;
  }

  /** Ranges and hrefs held: what this costs in memory. */
  get retained(): number {
    let n = this.other.size;
    for (const c of this.numbered.values()) n += c.rangeCount;
    return n;
  }
}
