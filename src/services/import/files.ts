import { link, mkdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// Inbox bookkeeping: a file leaves the inbox once it is decided, to loaded/ or to rejected/ with its reason beside
// it, so the next scan never offers it again. A name already taken there gets a timestamp, never overwriting history.

// A file still being written must not be loaded half-way: writers that follow the convention write `name.part` (or
// a dotfile) and rename.
const IN_PROGRESS = /^\.|\.(part|tmp|partial|filepart)$/i;

export const isInProgressName = (name: string): boolean => IN_PROGRESS.test(name);

/** The inbox's own folders: a file by one of these names would keep them from being made. */
export const INBOX_FOLDERS: readonly string[] = ['loaded', 'rejected', 'held'];

/**
 * Uploads stored with `?import=false` wait in `held/`, a folder the inbox scan does not look into (it takes only the
 * inbox's own files), until an admin starts their load; only then do they enter the inbox.
 */
export const heldDir = (inboxDir: string): string => join(inboxDir, 'held');

/** Moves a held file into the inbox under its own name, never over a file already there (then: undefined). */
export async function releaseHeld(path: string, inboxDir: string): Promise<string | undefined> {
  const target = join(inboxDir, basename(path));
  try {
    await link(path, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  await unlink(path);
  return target;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function freeName(dir: string, name: string): Promise<string> {
  const candidate = join(dir, name);
  if (!(await exists(candidate))) return candidate;
  return join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}`);
}

export async function moveToLoaded(path: string): Promise<string> {
  const dir = join(dirname(path), 'loaded');
  await mkdir(dir, { recursive: true });
  const target = await freeName(dir, basename(path));
  await rename(path, target);
  return target;
}

/** Moves the file to rejected/ and writes `<name>.reason.txt` next to it (the first line says why). */
export async function moveToRejected(path: string, reasons: string[]): Promise<string> {
  const dir = join(dirname(path), 'rejected');
  await mkdir(dir, { recursive: true });
  const target = await freeName(dir, basename(path));
  await writeFile(`${target}.reason.txt`, `${reasons.join('\n')}\n`);
  await rename(path, target);
  return target;
}

export async function wasMovedToLoaded(path: string): Promise<boolean> {
  return exists(join(dirname(path), 'loaded', basename(path)));
}

/**
 * Puts a rejected file back where it was found, for a retry after it was fixed in rejected/. A file already back in
 * its place (put there by hand) is left as it is.
 */
export async function restoreRejected(path: string, rejectedTo: string): Promise<void> {
  if ((await exists(path)) || !(await exists(rejectedTo))) return;
  await rename(rejectedTo, path);
  await rm(`${rejectedTo}.reason.txt`, { force: true });
}
