import { copyFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { syncDirectory } from './atomic-file';

/**
 * Step 1.2: hands a finished outbox file to the portal's inbox. Local directory today; an SFTP or object-storage
 * delivery implements the same method (upload as `.part`, then rename or complete the upload).
 */
export interface Delivery {
  /** Delivers the file and returns where the loader will find it. */
  deliver(path: string): Promise<string>;
  /** Whether a file of that name, or a partial delivery of it, waits at the destination. */
  holds(name: string): Promise<boolean>;
  /** Removes a delivered file and any partial delivery of it: a dead extract run's file, never to be loaded. */
  withdraw(name: string): Promise<void>;
}

/**
 * Moves files into an inbox directory. A rename when outbox and inbox share a filesystem; across filesystems a copy
 * to `<name>.part` (skipped by the inbox scan), fsync'd, renamed, then the outbox copy removed.
 */
export class DirectoryDelivery implements Delivery {
  constructor(private readonly inboxDir: string) {}

  async deliver(path: string): Promise<string> {
    await mkdir(this.inboxDir, { recursive: true });
    const target = join(this.inboxDir, basename(path));
    try {
      await rename(path, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      const part = `${target}.part`;
      try {
        await copyFile(path, part);
        const handle = await open(part, 'r+');
        await handle.sync().finally(() => handle.close());
        await rename(part, target);
      } catch (copyError) {
        await rm(part, { force: true });
        throw copyError;
      }
      await rm(path);
    }
    await syncDirectory(this.inboxDir);
    return target;
  }

  private pathsOf(name: string): string[] {
    const target = join(this.inboxDir, name);
    return [target, `${target}.part`];
  }

  async holds(name: string): Promise<boolean> {
    const found = await Promise.all(
      this.pathsOf(name).map((path) =>
        stat(path).then(
          () => true,
          () => false,
        ),
      ),
    );
    return found.includes(true);
  }

  async withdraw(name: string): Promise<void> {
    await Promise.all(this.pathsOf(name).map((path) => rm(path, { force: true })));
  }
}
