import { isInt48 } from './numbers';

const LT = 0x3c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The bytes of an element the scanner has read, with the text of its number fields cut out: the next element with
 * the same bytes around its numbers, each number bare digits (at most 15, an Int48), has the same structure and
 * is read by comparing four bytes at a time instead of walking every tag. Custodians write readings this way
 * by the million, the same indentation and field order each time.
 */
export class DigitTemplate {
  /** The numbers of the last element matched, in document order. */
  readonly numbers: number[] = [];
  private skeleton: DataView = new DataView(new ArrayBuffer(0));
  /** End in `skeleton` of each run of bytes; a number follows every one but the last. */
  private readonly ends: number[] = [];
  private lineBreaks = 0;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | undefined;

  get slots(): number {
    return this.ends.length - 1;
  }

  /** The line breaks outside the numbers (LF, CRLF or lone CR, one each); bare digits have none. */
  get skeletonLineBreaks(): number {
    return this.lineBreaks;
  }

  /** Takes `bytes[start, end)` as the template, the texts `[from[k], to[k])` cut out (in order, each between `>` and `<`). */
  set(bytes: Uint8Array, start: number, end: number, from: readonly number[], to: readonly number[]): void {
    const parts: Uint8Array[] = [];
    this.ends.length = 0;
    let at = start;
    let size = 0;
    for (let k = 0; k <= from.length; k++) {
      const part = bytes.subarray(at, k < from.length ? from[k] : end);
      parts.push(part);
      size += part.length;
      this.ends.push(size);
      if (k < from.length) at = to[k];
    }
    const skeleton = Buffer.concat(parts, size);
    let lineBreaks = 0;
    for (let i = 0; i < size; i++)
      if (skeleton[i] === LF || (skeleton[i] === CR && skeleton[i + 1] !== LF)) lineBreaks++;
    this.lineBreaks = lineBreaks;
    this.skeleton = new DataView(skeleton.buffer, skeleton.byteOffset, size);
    this.numbers.length = this.slots;
  }

  clear(): void {
    this.ends.length = 0;
  }

  /**
   * The offset after the element at `start` when its bytes match the template around bare-digit numbers (then in
   * `numbers`), else -1: the buffer ends first, or something differs.
   */
  match(bytes: Uint8Array, start: number): number {
    const ends = this.ends;
    if (ends.length === 0) return -1;
    if (bytes !== this.viewOf) {
      this.viewOf = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    const view = this.view;
    const skeleton = this.skeleton;
    const len = bytes.length;
    let i = start;
    let t = 0;
    for (let k = 0; ; k++) {
      const end = ends[k];
      if (i + end - t > len) return -1;
      for (; t + 4 <= end; t += 4, i += 4) if (view.getUint32(i) !== skeleton.getUint32(t)) return -1;
      for (; t < end; t++, i++) if (bytes[i] !== skeleton.getUint8(t)) return -1;
      if (k === ends.length - 1) return i;
      const from = i;
      let n = 0;
      for (; i < len; i++) {
        const digit = bytes[i] - 0x30;
        if (digit < 0 || digit > 9) break;
        n = n * 10 + digit;
      }
      if (i === from || i - from > 15 || bytes[i] !== LT || !isInt48(n)) return -1;
      this.numbers[k] = n;
    }
  }
}
