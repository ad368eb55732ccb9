import { readdirSync, readlinkSync } from 'node:fs';

/**
 * The files under `dir` this process holds open, as the kernel names them relative to `dir` (an unlinked one ends
 * in " (deleted)"). Linux only: it reads /proc/self/fd.
 */
export function openFilesUnder(dir: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(`${dir}/`) ? [target.slice(dir.length)] : [];
    } catch {
      // The descriptor closed between the listing and the read (readdirSync's own, for one).
      return [];
    }
  });
}
