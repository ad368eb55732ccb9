import { isBigintKey } from './access/global-id';
import { InvalidInputError } from './errors';

/** Largest `first` (or `last`) a connection accepts; the cost limit keeps nested pages in check as well. */
export const MAX_PAGE_SIZE = 100;

/** Relay's arguments: `first` items after `after`, or the `last` items before `before` (both cursors may narrow). */
export interface PageRequest {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/**
 * A page validated and decoded: at most `limit` rows with a key between `afterKey` and `beforeKey` (in the list's
 * order), the first ones, or with `backward` the last ones.
 */
export interface Keyset {
  limit: number;
  afterKey: string | null;
  beforeKey: string | null;
  backward: boolean;
}

export interface Page<T> {
  /** In the list's order, whichever way the page was read. */
  items: T[];
  /** Cursor of each item, in the same order. */
  cursors: string[];
  /** More items follow the page (reported when paging forward). */
  hasNextPage: boolean;
  /** More items precede the page (reported when paging backward). */
  hasPreviousPage: boolean;
  /** Every item of the list over all pages, read only when called (a client that selects `totalCount`). */
  count: () => Promise<number>;
}

// Cursors are opaque to clients; inside they carry the keyset position (a bigint id or an epoch millisecond).
export function encodeCursor(key: string): string {
  return Buffer.from(`k:${key}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const decoded = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  return decoded.startsWith('k:') ? decoded.slice(2) : '';
}

function checkSize(size: unknown, argument: 'first' | 'last', max: number): void {
  if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > max) {
    throw new InvalidInputError(`${argument} must be between 1 and ${max}`, argument);
  }
}

/** Refuses a page that does not ask for exactly one of `first` and `last`, from 1 to `max` items. Returns the page size. */
export function checkPageSize(args: { first?: unknown; last?: unknown }, max: number): number {
  if (args.first != null && args.last != null) {
    throw new InvalidInputError('give either first (a page forward) or last (a page backward), not both', 'last');
  }
  if (args.last != null) {
    checkSize(args.last, 'last', max);
    return args.last as number;
  }
  checkSize(args.first, 'first', max);
  return args.first as number;
}

export function notACursor(argument: 'after' | 'before'): InvalidInputError {
  return new InvalidInputError(`${argument} is not a cursor returned by this connection`, argument);
}

/** Validates and decodes a page request; `isKey` says which keys the connection's cursors can carry. */
export function keyset(
  request: PageRequest,
  max = MAX_PAGE_SIZE,
  isKey: (key: string) => boolean = isBigintKey,
): Keyset {
  const limit = checkPageSize(request, max);
  const decode = (argument: 'after' | 'before'): string | null => {
    const cursor = request[argument];
    if (cursor == null) return null;
    const key = decodeCursor(cursor);
    if (!isKey(key)) throw notACursor(argument);
    return key;
  };
  return { limit, afterKey: decode('after'), beforeKey: decode('before'), backward: request.last != null };
}

/**
 * A page from rows fetched with LIMIT limit + 1 starting next to the cursor (in reverse when paging backward): the
 * extra row only says that more items lie that way.
 */
export function toPage<T>(rows: T[], keyset: Keyset, keyOf: (row: T) => string, count: () => Promise<number>): Page<T> {
  const nearest = rows.slice(0, keyset.limit);
  const items = keyset.backward ? nearest.reverse() : nearest;
  const more = rows.length > keyset.limit;
  return {
    items,
    cursors: items.map((row) => encodeCursor(keyOf(row))),
    hasNextPage: more && !keyset.backward,
    hasPreviousPage: more && keyset.backward,
    count,
  };
}
