import { isBigintKey } from './access/global-id';
import { InvalidInputError } from './errors';

/** Largest `first` a connection accepts; the cost limit keeps nested pages in check as well. */
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  first: number;
  after?: string | null;
}

/** A page validated and decoded: at most `limit` rows with a key above `afterKey`. */
export interface Keyset {
  limit: number;
  afterKey: string | null;
}

export interface Page<T> {
  items: T[];
  /** Cursor of each item, in the same order. */
  cursors: string[];
  hasNextPage: boolean;
}

// Cursors are opaque to clients; inside they carry the keyset position (a bigint id or an epoch millisecond).
export function encodeCursor(key: string): string {
  return Buffer.from(`k:${key}`).toString('base64url');
}

/** Refuses a `first` that is not a page size from 1 to `max`. */
export function checkPageSize(first: unknown, max: number): void {
  if (!Number.isInteger(first) || (first as number) < 1 || (first as number) > max) {
    throw new InvalidInputError(`first must be between 1 and ${max}`, 'first');
  }
}

export function notACursor(): InvalidInputError {
  return new InvalidInputError('after is not a cursor returned by this connection', 'after');
}

export function keyset(request: PageRequest, max = MAX_PAGE_SIZE): Keyset {
  checkPageSize(request.first, max);
  if (request.after == null) return { limit: request.first, afterKey: null };
  const decoded = /^[A-Za-z0-9_-]{1,64}$/.test(request.after) ? Buffer.from(request.after, 'base64url').toString('utf8') : '';
  const key = decoded.startsWith('k:') ? decoded.slice(2) : '';
  if (!isBigintKey(key)) throw notACursor();
  return { limit: request.first, afterKey: key };
}

/** Rows fetched with LIMIT limit + 1: the extra row only says that there is a next page. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, cursors: items.map((row) => encodeCursor(keyOf(row))), hasNextPage: rows.length > limit };
}
