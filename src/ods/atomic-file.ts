import { createHash } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

export interface CommittedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** fsync of the directory makes a rename durable: without it a crash can forget the new name. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A file that appears complete or not at all: written as `<path>.part` (readers such as the inbox scan skip that
 * suffix), hashed as it is written, fsync'd, then renamed into place.
 */
export class AtomicFile extends Writable {
  readonly partPath: string;
  private readonly hash = createHash('sha256');
  private bytesWritten = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {
    super({ highWaterMark: 1024 * 1024 });
    this.partPath = `${path}.part`;
  }

  static async create(path: string): Promise<AtomicFile> {
    return new AtomicFile(path, await open(`${path}.part`, 'w'));
  }

  /** Bytes accepted so far, including those still buffered: what the file will hold. */
  get size(): number {
    return this.bytesWritten + this.writableLength;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.hash.update(chunk);
    this.handle.write(chunk).then(({ bytesWritten }) => {
      this.bytesWritten += bytesWritten;
      callback();
    }, callback);
  }

  /** Ends the stream, fsyncs, renames `.part` into place and fsyncs the directory. */
  async commit(): Promise<CommittedFile> {
    await new Promise<void>((resolve, reject) => {
      this.once('error', reject);
      this.end(() => resolve());
    });
    await this.handle.sync();
    await this.handle.close();
    await rename(this.partPath, this.path);
    await syncDirectory(dirname(this.path));
    return { path: this.path, bytes: this.bytesWritten, sha256: this.hash.digest('hex') };
  }

  /** Drops a file that will not be completed (the extract failed half-way). */
  async discard(): Promise<void> {
    this.destroy();
    await this.handle.close().catch(() => undefined);
    await rm(this.partPath, { force: true });
  }
}
