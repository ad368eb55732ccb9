import { createHash } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
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

/** The error a failed write of `path` fails with: says which file, keeps the system's code (ENOSPC, EIO). */
export class FileWriteError extends Error {
  override name = 'FileWriteError';
  readonly code?: string;

  constructor(path: string, cause: unknown) {
    super(`could not write ${basename(path)}: ${(cause as Error).message}`, { cause });
    this.code = (cause as NodeJS.ErrnoException).code;
  }
}

/**
 * A file that appears complete or not at all: written as `<path>.part` (readers such as the inbox scan skip that
 * suffix), hashed as it is written, fsync'd, then renamed into place. Every write, the end and the fsync are checked:
 * a full disk fails the commit with its own error, the `.part` is removed, and nothing is renamed into place.
 */
export class AtomicFile extends Writable {
  readonly partPath: string;
  private readonly hash = createHash('sha256');
  private bytesWritten = 0;
  /** The first write error: the stream is destroyed by it, so later writers only see "closed"; this is the cause. */
  private writeError?: FileWriteError;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {
    super({ highWaterMark: 1024 * 1024 });
    this.partPath = `${path}.part`;
    // Kept for commit() to report; without a listener an error between two awaited writes would crash the process.
    this.on('error', () => undefined);
  }

  static async create(path: string): Promise<AtomicFile> {
    return new AtomicFile(path, await open(`${path}.part`, 'w'));
  }

  /** Bytes accepted so far, including those still buffered: what the file will hold. */
  get size(): number {
    return this.bytesWritten + this.writableLength;
  }

  /** Why the file could not be written, once a write failed. */
  get failure(): FileWriteError | undefined {
    return this.writeError;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.hash.update(chunk);
    this.writeAll(chunk).then(
      () => callback(),
      (error: unknown) => callback((this.writeError ??= new FileWriteError(this.path, error))),
    );
  }

  /** write(2) may write less than asked (a disk filling up): the rest is written until done or an error says why. */
  private async writeAll(chunk: Buffer): Promise<void> {
    for (let offset = 0; offset < chunk.length;) {
      const { bytesWritten } = await this.handle.write(chunk, offset, chunk.length - offset);
      if (bytesWritten <= 0) throw Object.assign(new Error('no progress writing'), { code: 'EIO' });
      offset += bytesWritten;
      this.bytesWritten += bytesWritten;
    }
  }

  /** Ends the stream, fsyncs, renames `.part` into place and fsyncs the directory; on any failure removes the `.part`. */
  async commit(): Promise<CommittedFile> {
    try {
      await new Promise<void>((resolve, reject) => {
        if (this.writeError) return reject(this.writeError);
        this.end((error?: Error | null) => (error ? reject(this.writeError ?? error) : resolve()));
      });
      await this.handle.sync().catch((error: unknown) => {
        throw new FileWriteError(this.path, error);
      });
      const { size } = await this.handle.stat();
      if (size !== this.bytesWritten)
        throw new FileWriteError(this.path, new Error(`${size} bytes on disk, ${this.bytesWritten} written`));
      await this.handle.close();
      await rename(this.partPath, this.path);
    } catch (error) {
      await this.discard();
      throw error;
    }
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
