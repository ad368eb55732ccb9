import type { Pool } from 'pg';
import type { AccessScope } from '../access/access-scope';

/**
 * Data versions of those of `ids` the scope can see, in one statement on the pool itself: what checking a cached
 * answer costs, without the per-request loaders of a Directory or TypeORM's query runner, which cost more than the
 * statement on a cache hit.
 */
export async function visibleUsagePointVersions(pool: Pool, scope: AccessScope, ids: readonly string[]): Promise<Map<string, string>> {
  const params: unknown[] = [ids];
  const { rows } = await pool.query<{ id: string; version: string }>(
    `SELECT t.id::text AS id, t.data_version::text AS version FROM usage_point t WHERE t.id = ANY($1::bigint[]) AND ${scope.whereUsagePoint('t', params)}`,
    params,
  );
  return new Map(rows.map((r) => [r.id, r.version]));
}
