import { durationSeconds } from '../duration';
import { UsageError } from './usage-error';

/** "90", "90s", "15m", "1h", "7d" → seconds, or a usage error (exit 2) naming the syntax. */
export function parseDuration(text: string): number {
  const seconds = durationSeconds(text);
  if (seconds === undefined) throw new UsageError(`invalid duration "${text}" (use e.g. 3600, 30m, 1h, 7d)`);
  return seconds;
}
