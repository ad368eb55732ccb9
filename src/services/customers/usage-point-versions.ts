import type { Pool } from 'pg';
import type { AccessScope } from '../access/access-scope';

const statementNames = new Map<string, string>();

/**
 * Data versions of those of `ids` the scope can see, in one statement on the pool itself: what checking a cached
 * answer costs, without the per-request loaders of a Directory or TypeORM's query runner, which cost more than the
 * statement on a cache hit.
 */
export async function visibleUsagePointVersions(pool: Pool, scope: AccessScope, ids: readonly string[]): Promise<Map<string, string>> {
  const params: unknown[] = [ids];
  const text = `SELECT t.id::text AS id, t.data_version::text AS version FROM usage_point t WHERE t.id = ANY($1::bigint[]) AND ${scope.whereUsagePoint('t', params)}`;
  // Named, so each connection parses and plans it once: one name per text, a few in all (one per kind of scope).
  let name = statementNames.get(text);
  if (!name) statementNames.set(text, (name = `usage-point-versions-${statementNames.size}`));
  const { rows } = await pool.query<{ id: string; version: string }>({ name, text, values: params });
  return new Map(rows.map((r) => [r.id, r.version]));
}
