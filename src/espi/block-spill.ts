import { EntryInfo } from './records';
import { SpillFile } from './spill-file';

/** What the linker needs of a finished block to decide its owner at the end of the file, and nothing more. */
export interface SpilledBlock {
  ordinal: number;
  /** Line of the `<IntervalBlock>` start tag. */
  line: number;
  /** The block's entry as far as linking and diagnostics go (`related` is not kept: only parents' links count). */
  entry: EntryInfo;
  readingCount: number;
  /** Covered time as flat [start, end) pairs. */
  ranges: number[];
  /** Distinct reading durations with their counts, flat [duration, count] pairs in the order first seen. */
  durations: number[];
  valueTotal: bigint;
  costTotal: bigint;
  firstStart?: number;
  lastEnd?: number;
}

const NONE = 0xffffffff;
const NO_RELATED: string[] = [];

/**
 * Finished blocks waiting for the end of the file, where their owners are decided (an owner may come after its
 * blocks, or be named only by a parent's `related` link). Each is one compact binary row: the first
 * `memoryBytes` stay in memory (every small file), the rest go to a temporary file, so the linker's memory does
 * not grow with the number of blocks. The rows are read back once, in ordinal order, and the file is closed.
 */
export class BlockSpill {
  private readonly file: SpillFile;
  count = 0;
  bytes = 0;

  constructor(memoryBytes: number, tempDir?: string) {
    this.file = new SpillFile(memoryBytes, tempDir, 'espi-blocks-');
  }

  /** Rows went to the temporary file (it stays true once the file is removed). */
  get onDisk(): boolean {
    return this.file.onDisk;
  }

  write(b: SpilledBlock) {
    const e = b.entry;
    const strings = [e.self, e.up, e.id, b.valueTotal.toString(), b.costTotal.toString()];
    let size = 4 + 8 * 6 + 8 + 8 * (b.ranges.length + b.durations.length);
    for (const s of strings) size += 4 + (s === undefined ? 0 : Buffer.byteLength(s));
    this.file.reserve(size);
    const buf = this.file.buf;
    let at = this.file.at;
    at = buf.writeUInt32LE(size - 4, at);
    for (const x of [b.ordinal, b.line, e.line, b.readingCount, b.firstStart ?? NaN, b.lastEnd ?? NaN])
      at = buf.writeDoubleLE(x, at);
    for (const s of strings) {
      if (s === undefined) at = buf.writeUInt32LE(NONE, at);
      else {
        const n = buf.write(s, at + 4);
        buf.writeUInt32LE(n, at);
        at += 4 + n;
      }
    }
    at = buf.writeUInt32LE(b.ranges.length, at);
    at = buf.writeUInt32LE(b.durations.length, at);
    for (const x of b.ranges) at = buf.writeDoubleLE(x, at);
    for (const x of b.durations) at = buf.writeDoubleLE(x, at);
    this.file.at = at;
    this.count++;
    this.bytes += size;
  }

  /** Every row in write order. Call once, after the last write. */
  *read(): Generator<SpilledBlock> {
    for (const chunk of this.file.chunks()) yield* rows(chunk);
  }

  /** Closes the temporary file, if there is one (unlinked since it was opened, so that frees it). */
  close() {
    this.file.close();
  }
}

function* rows(chunk: Buffer): Generator<SpilledBlock> {
  for (let at = 0; at < chunk.length; at += 4 + chunk.readUInt32LE(at)) yield decode(chunk, at);
}

function decode(buf: Buffer, start: number): SpilledBlock {
  let at = start + 4;
  const num = () => {
    const x = buf.readDoubleLE(at);
    at += 8;
    return x;
  };
  const str = () => {
    const n = buf.readUInt32LE(at);
    at += 4;
    if (n === NONE) return undefined;
    at += n;
    return buf.toString('utf8', at - n, at);
  };
  const [ordinal, line, entryLine, readingCount, firstStart, lastEnd] = [num(), num(), num(), num(), num(), num()];
  const [self, up, id, value, cost] = [str(), str(), str(), str(), str()];
  const nRanges = buf.readUInt32LE(at);
  const nDurations = buf.readUInt32LE(at + 4);
  at += 8;
  const ranges: number[] = [];
  for (let i = 0; i < nRanges; i++) ranges.push(num());
  const durations: number[] = [];
  for (let i = 0; i < nDurations; i++) durations.push(num());
  return {
    ordinal,
    line,
    entry: { line: entryLine, self, up, id, related: NO_RELATED },
    readingCount,
    ranges,
    durations,
    valueTotal: BigInt(value!),
    costTotal: BigInt(cost!),
    firstStart: Number.isNaN(firstStart) ? undefined : firstStart,
    lastEnd: Number.isNaN(lastEnd) ? undefined : lastEnd,
  };
}
