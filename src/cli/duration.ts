import { UsageError } from './usage-error';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "90", "90s", "15m", "1h", "7d" → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) throw new UsageError(`invalid duration "${text}" (use e.g. 3600, 30m, 1h, 7d)`);
  const seconds = Number(match[1]) * UNITS[match[2] || 's'];
  if (seconds <= 0) throw new UsageError(`duration must be positive, got "${text}"`);
  return seconds;
}
