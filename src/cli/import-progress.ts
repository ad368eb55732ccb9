import { basename } from 'node:path';
import type { ImportProgress } from '../services/import/types';

const WIDTH = 30;

/** A one-line progress bar on stderr, redrawn in place; nothing at all when stderr is not a terminal. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  const enabled = stream.isTTY === true;
  let drawn = false;
  const draw = (fraction: number, text: string) => {
    if (!enabled) return;
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * WIDTH);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${text}`;
    stream.write(`\r${line.slice(0, (stream.columns || 120) - 1)}\x1b[K`);
    drawn = true;
  };
  return {
    draw,
    update(file: string, p: ImportProgress) {
      draw(
        p.total > 0 ? p.bytes / p.total : 0,
        `${p.readings.toLocaleString('en-US')} readings ${p.phase} ${basename(file)}`,
      );
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
