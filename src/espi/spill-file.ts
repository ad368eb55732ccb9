import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHUNK = 256 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * Append-only records kept for one pass later: the first `memoryBytes` in memory (every small file), the rest in a
 * temporary file, so what a reader holds does not grow with the input. Records never straddle two chunks, so each
 * chunk read back holds whole records and callers need no reassembly. Written through `buf` and `at` (reserve
 * first): the records are small and many, and a call per field would cost more than the encoding.
 */
export class SpillFile {
  buf = Buffer.allocUnsafe(CHUNK);
  at = 0;
  /** Full chunks still in memory (before the file is opened). */
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  /** Length of each chunk written to the file, in order. */
  private readonly filed: number[] = [];
  private fd: number | undefined;
  /** Chunks went to the temporary file (it stays true once the file is removed). */
  onDisk = false;

  constructor(
    private readonly memoryBytes: number,
    private readonly tempDir = tmpdir(),
    private readonly prefix = 'spill-',
  ) {}

  /** Room for `size` more bytes of the current record at `at`. */
  reserve(size: number): void {
    if (this.at + size <= this.buf.length) return;
    this.seal();
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, size));
    this.at = 0;
  }

  private seal() {
    if (this.at === 0) return;
    const full = this.buf.subarray(0, this.at);
    if (this.fd === undefined && this.keptBytes + full.length <= this.memoryBytes) {
      this.kept.push(full);
      this.keptBytes += full.length;
      return;
    }
    if (this.fd === undefined) {
      // Unlinked as soon as it is open: the descriptor keeps it readable, and its space goes back to the system
      // when the descriptor closes, however this process ends (a killed worker leaves no file behind).
      const dir = mkdtempSync(join(this.tempDir, this.prefix));
      this.fd = openSync(join(dir, 'spill.bin'), 'w+');
      rmSync(dir, { recursive: true, force: true });
      this.onDisk = true;
      for (const k of this.kept.splice(0)) this.file(k);
      this.keptBytes = 0;
    }
    this.file(full);
  }

  private file(chunk: Buffer) {
    for (let done = 0; done < chunk.length;) done += writeSync(this.fd as number, chunk, done);
    this.filed.push(chunk.length);
  }

  /**
   * Every chunk in write order, each of whole records (a buffer reused between file chunks). May be read again;
   * nothing may be written after the first read.
   */
  *chunks(): Generator<Buffer> {
    this.seal();
    this.at = 0;
    this.buf = EMPTY;
    for (const chunk of this.kept) yield chunk;
    if (this.fd === undefined) return;
    let buf = Buffer.allocUnsafe(CHUNK);
    let position = 0;
    for (const length of this.filed) {
      if (length > buf.length) buf = Buffer.allocUnsafe(length);
      for (let got = 0; got < length;) {
        const n = readSync(this.fd, buf, got, length - got, position + got);
        if (n === 0) throw new Error(`spill file ended ${length - got} bytes early`);
        got += n;
      }
      position += length;
      yield buf.subarray(0, length);
    }
  }

  /** Closes the temporary file, if there is one (which frees its space), and lets go of what is in memory. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.kept.length = 0;
    this.filed.length = 0;
  }
}
