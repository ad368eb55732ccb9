import pino from 'pino';
import type { LogLevel } from './config';

export type Logger = pino.Logger;

// Logs go to stderr so that stdout stays free for the CLI's --json result.
export function createLogger(level: LogLevel, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'usage-portal', ...bindings } }, pino.destination({ fd: 2, sync: true }));
}
