import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntryInfo } from './records';

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

const CHUNK = 256 * 1024;
const NONE = 0xffffffff;
const NO_RELATED: string[] = [];

/**
 * Finished blocks waiting for the end of the file, where their owners are decided (an owner may come after its
 * blocks, or be named only by a parent's `related` link). Each is one compact binary row: the first
 * `memoryBytes` stay in memory (every small file), the rest go to a temporary file, so the linker's memory does
 * not grow with the number of blocks. The rows are read back once, in ordinal order, and the file is removed.
 */
export class BlockSpill {
  private chunk = Buffer.allocUnsafe(CHUNK);
  private at = 0;
  /** Full chunks still in memory (before the file is opened). */
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private dir: string | undefined;
  private fd: number | undefined;
  count = 0;
  bytes = 0;
  /** Rows went to the temporary file (it stays true once the file is removed). */
  onDisk = false;

  constructor(
    private readonly memoryBytes: number,
    private readonly tempDir = tmpdir(),
  ) {}

  write(b: SpilledBlock) {
    const e = b.entry;
    const strings = [e.self, e.up, e.id, b.valueTotal.toString(), b.costTotal.toString()];
    let size = 4 + 8 * 6 + 8 + 8 * (b.ranges.length + b.durations.length);
    for (const s of strings) size += 4 + (s === undefined ? 0 : Buffer.byteLength(s));
    this.reserve(size);
    const buf = this.chunk;
    let at = this.at;
    at = buf.writeUInt32LE(size - 4, at);
    for (const x of [b.ordinal, b.line, e.line, b.readingCount, b.firstStart ?? NaN, b.lastEnd ?? NaN]) at = buf.writeDoubleLE(x, at);
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
    this.at = at;
    this.count++;
    this.bytes += size;
  }

  /** Room for one row in the current chunk: rows never straddle two chunks. */
  private reserve(size: number) {
    if (this.at + size <= this.chunk.length) return;
    this.seal();
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK, size));
    this.at = 0;
  }

  private seal() {
    if (this.at === 0) return;
    const full = this.chunk.subarray(0, this.at);
    if (this.fd === undefined && this.keptBytes + full.length <= this.memoryBytes) {
      this.kept.push(full);
      this.keptBytes += full.length;
      return;
    }
    if (this.fd === undefined) {
      this.dir = mkdtempSync(join(this.tempDir, 'espi-blocks-'));
      this.fd = openSync(join(this.dir, 'blocks.bin'), 'w+');
      this.onDisk = true;
      for (const k of this.kept.splice(0)) writeAll(this.fd, k);
      this.keptBytes = 0;
    }
    writeAll(this.fd, full);
  }

  /** Every row in write order. Call once, after the last write. */
  *read(): Generator<SpilledBlock> {
    this.seal();
    this.at = 0;
    for (const chunk of this.kept) yield* rows(chunk);
    if (this.fd === undefined) return;
    const fd = this.fd;
    let buf = Buffer.allocUnsafe(CHUNK);
    let held = 0;
    let position = 0;
    for (;;) {
      const n = readSync(fd, buf, held, buf.length - held, position);
      position += n;
      held += n;
      let used = 0;
      while (held - used >= 4 && held - used >= 4 + buf.readUInt32LE(used)) {
        const size = 4 + buf.readUInt32LE(used);
        yield decode(buf, used);
        used += size;
      }
      if (n === 0) return;
      const rest = held - used;
      const need = rest >= 4 ? 4 + buf.readUInt32LE(used) : 4;
      const next = need > buf.length ? Buffer.allocUnsafe(need) : buf;
      buf.copy(next, 0, used, held);
      buf = next;
      held = rest;
    }
  }

  /** Closes and deletes the temporary file, if there is one. */
  close() {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.fd = this.dir = undefined;
    this.kept.length = 0;
  }
}

function writeAll(fd: number, data: Buffer) {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done);
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
