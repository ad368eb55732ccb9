import DataLoader from 'dataloader';
import { toPage, type Keyset, type Page } from './pagination';

// Per-request batching: every loader here turns the N lookups one GraphQL level makes into one SQL statement.

export function byIdLoader<R extends { id: string }>(run: (ids: string[]) => Promise<R[]>): DataLoader<string, R | null> {
  return new DataLoader(async (ids) => {
    const rows = new Map((await run([...ids])).map((row) => [row.id, row]));
    return ids.map((id) => rows.get(id) ?? null);
  });
}

/** Rows grouped by a parent id, for small unpaginated children (meters of a usage point). */
export function byParentLoader<R>(run: (parentIds: string[]) => Promise<(R & { parentKey: string })[]>): DataLoader<string, R[]> {
  return new DataLoader(async (parentIds) => {
    const groups = new Map<string, R[]>(parentIds.map((id) => [id, []]));
    for (const { parentKey, ...row } of await run([...parentIds])) groups.get(parentKey)?.push(row as R);
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}

export interface ChildPageKey extends Keyset {
  parentId: string;
}

/**
 * One page of children for many parents (the accounts of every customer in a list): one statement per distinct
 * (first, after), which in practice is one statement per level, since siblings share their arguments.
 */
export function childPageLoader<R extends { id: string }>(
  run: (parentIds: string[], keyset: Keyset) => Promise<(R & { parentKey: string; rn?: unknown })[]>,
): DataLoader<ChildPageKey, Page<R>, string> {
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, { keyset: Keyset; parentIds: string[] }>();
      for (const { parentId, limit, afterKey } of keys) {
        const group = `${limit}|${afterKey}`;
        if (!groups.has(group)) groups.set(group, { keyset: { limit, afterKey }, parentIds: [] });
        groups.get(group)?.parentIds.push(parentId);
      }
      const rowsByKey = new Map<string, R[]>();
      for (const [group, { keyset, parentIds }] of groups) {
        for (const { parentKey, rn: _rank, ...row } of await run(parentIds, keyset)) {
          const key = `${parentKey}|${group}`;
          if (!rowsByKey.has(key)) rowsByKey.set(key, []);
          rowsByKey.get(key)?.push(row as unknown as R);
        }
      }
      return keys.map(({ parentId, limit, afterKey }) =>
        toPage(rowsByKey.get(`${parentId}|${limit}|${afterKey}`) ?? [], limit, (row) => row.id),
      );
    },
    { cacheKeyFn: ({ parentId, limit, afterKey }) => `${parentId}|${limit}|${afterKey}` },
  );
}

/**
 * SQL for one keyset page per parent: the first `limit + 1` children by id above the cursor, for each parent. The
 * caller adds its scope condition (which may push parameters after the three used here).
 */
export function childPageSql(columns: string, table: string, parentColumn: string, scopeCondition: string): string {
  return `SELECT * FROM (
      SELECT ${columns}, t.${parentColumn}::text AS "parentKey",
        row_number() OVER (PARTITION BY t.${parentColumn} ORDER BY t.id) AS rn
      FROM ${table} t
      WHERE t.${parentColumn} = ANY($1::bigint[]) AND ($2::bigint IS NULL OR t.id > $2::bigint) AND ${scopeCondition}
    ) page WHERE page.rn <= $3 ORDER BY page.id::bigint`;
}
