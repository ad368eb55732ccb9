import DataLoader from 'dataloader';
import { toPage, type Keyset, type Page } from './pagination';

// Per-request batching: every loader here turns the N lookups one GraphQL level makes into one SQL statement.

export function byIdLoader<R extends { id: string }>(
  run: (ids: string[]) => Promise<R[]>,
): DataLoader<string, R | null> {
  return new DataLoader(async (ids) => {
    const rows = new Map((await run([...ids])).map((row) => [row.id, row]));
    return ids.map((id) => rows.get(id) ?? null);
  });
}

/** Rows grouped by a parent id, for small unpaginated children (meters of a usage point). */
export function byParentLoader<R>(
  run: (parentIds: string[]) => Promise<(R & { parentKey: string })[]>,
): DataLoader<string, R[]> {
  return new DataLoader(async (parentIds) => {
    const groups = new Map<string, R[]>(parentIds.map((id) => [id, []]));
    for (const { parentKey, ...row } of await run([...parentIds])) groups.get(parentKey)?.push(row as R);
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}

export interface ChildPageKey extends Keyset {
  parentId: string;
}

const pageGroup = ({ limit, afterKey, beforeKey, backward }: Keyset) => `${limit}|${afterKey}|${beforeKey}|${backward}`;

/**
 * One page of children for many parents (the accounts of every customer in a list): one statement per distinct
 * page request, which in practice is one statement per level, since siblings share their arguments. `countOf`
 * counts a parent's children when a page's count is asked for.
 */
export function childPageLoader<R extends { id: string }>(
  run: (parentIds: string[], keyset: Keyset) => Promise<(R & { parentKey: string; rn?: unknown })[]>,
  countOf: (parentId: string) => Promise<number>,
): DataLoader<ChildPageKey, Page<R>, string> {
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, { keyset: Keyset; parentIds: string[] }>();
      for (const { parentId, ...keyset } of keys) {
        const group = pageGroup(keyset);
        if (!groups.has(group)) groups.set(group, { keyset, parentIds: [] });
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
      return keys.map(({ parentId, ...keyset }) =>
        toPage(
          rowsByKey.get(`${parentId}|${pageGroup(keyset)}`) ?? [],
          keyset,
          (row) => row.id,
          () => countOf(parentId),
        ),
      );
    },
    { cacheKeyFn: ({ parentId, ...keyset }) => `${parentId}|${pageGroup(keyset)}` },
  );
}

/**
 * SQL for one keyset page per parent: the first `limit + 1` children by id between the cursors (the last ones,
 * nearest first, when `backward`), for each parent. Parameters: $1 parent ids, $2 after, $3 limit + 1, $4 before;
 * the caller adds its scope condition (which may push parameters after these).
 */
export function childPageSql(
  columns: string,
  table: string,
  parentColumn: string,
  scopeCondition: string,
  backward: boolean,
): string {
  const order = backward ? 'DESC' : 'ASC';
  return `SELECT * FROM (
      SELECT ${columns}, t.${parentColumn}::text AS "parentKey",
        row_number() OVER (PARTITION BY t.${parentColumn} ORDER BY t.id ${order}) AS rn
      FROM ${table} t
      WHERE t.${parentColumn} = ANY($1::bigint[]) AND ($2::bigint IS NULL OR t.id > $2::bigint)
        AND ($4::bigint IS NULL OR t.id < $4::bigint) AND ${scopeCondition}
    ) page WHERE page.rn <= $3 ORDER BY page.id::bigint ${order}`;
}

/** SQL counting the children of each parent in $1 (parent ids) that meet the caller's scope condition. */
export function childCountSql(table: string, parentColumn: string, scopeCondition: string): string {
  return `SELECT t.${parentColumn}::text AS "parentKey", count(*)::int AS count FROM ${table} t
    WHERE t.${parentColumn} = ANY($1::bigint[]) AND ${scopeCondition} GROUP BY t.${parentColumn}`;
}

/** The number of children of each of many parents, one statement per level: what `totalCount` of child pages reads. */
export function childCountLoader(
  run: (parentIds: string[]) => Promise<{ parentKey: string; count: number }[]>,
): DataLoader<string, number> {
  return new DataLoader(async (parentIds) => {
    const counts = new Map((await run([...parentIds])).map(({ parentKey, count }) => [parentKey, count]));
    return parentIds.map((id) => counts.get(id) ?? 0);
  });
}
