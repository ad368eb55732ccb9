import { basename } from 'node:path';
import type { ImportProgress } from '../services/import/types';

const WIDTH = 30;

/** A one-line progress bar on stderr, redrawn in place; nothing at all when stderr is not a terminal. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  const enabled = stream.isTTY === true;
  let drawn = false;
  return {
    update(file: string, p: ImportProgress) {
      if (!enabled) return;
      const fraction = p.total > 0 ? Math.min(1, p.bytes / p.total) : 0;
      const filled = Math.round(fraction * WIDTH);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
      const line = `[${bar}] ${String(Math.round(fraction * 100)).padStart(3)}% ${p.readings.toLocaleString('en-US')} readings ${p.phase} ${basename(file)}`;
      stream.write(`\r${line.slice(0, (stream.columns || 120) - 1)}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
