import type { DataSource } from 'typeorm';
import type { AccessScope } from '../access/access-scope';
import { idOf } from '../access/global-id';
import { InvalidInputError } from '../errors';

export interface ExportTarget {
  /** Global ids of usage points; or… */
  usagePointIds?: readonly string[];
  /** …the global id of a customer: all of its usage points. */
  customerId?: string;
}

/**
 * The database ids of what the caller asked to export, within its scope. A usage point the caller may not see is
 * reported exactly like one that does not exist, so the answer says nothing about other customers' data.
 */
export async function resolveExportTargets(
  db: DataSource,
  scope: AccessScope,
  target: ExportTarget,
): Promise<string[]> {
  if (target.customerId !== undefined) {
    const id = idOf(target.customerId, 'Customer');
    if (!id) throw new InvalidInputError('not a customer id', 'customerId');
    const params: unknown[] = [id];
    const rows = (await db.query(
      `SELECT up.id::text AS id FROM usage_point up JOIN customer_account a ON a.id = up.customer_account_id JOIN customer c ON c.id = a.customer_id
        WHERE c.id = $1 AND ${scope.whereCustomer('c', params)} AND ${scope.whereUsagePoint('up', params)} ORDER BY up.id`,
      params,
    )) as { id: string }[];
    if (rows.length === 0) throw new InvalidInputError('no customer with usage points under this id', 'customerId');
    return rows.map((r) => r.id);
  }
  const globalIds = target.usagePointIds ?? [];
  if (globalIds.length === 0 || globalIds.length > 100)
    throw new InvalidInputError('name 1 to 100 usage points', 'usagePointIds');
  const ids = globalIds.map((g) => idOf(g, 'UsagePoint'));
  if (ids.some((id) => id === null)) throw new InvalidInputError('not a usage point id', 'usagePointIds');
  const unique = [...new Set(ids as string[])];
  if ((await visibleUsagePoints(db, scope, unique)).length !== unique.length)
    throw new InvalidInputError('no usage point under this id', 'usagePointIds');
  return unique.sort((a, b) => Number(BigInt(a) - BigInt(b)));
}

/** Those of the usage points (database ids) the scope may see. */
export async function visibleUsagePoints(
  db: DataSource,
  scope: AccessScope,
  ids: readonly string[],
): Promise<string[]> {
  const params: unknown[] = [ids];
  const rows = (await db.query(
    `SELECT t.id::text AS id FROM usage_point t WHERE t.id = ANY($1::bigint[]) AND ${scope.whereUsagePoint('t', params)}`,
    params,
  )) as { id: string }[];
  return rows.map((r) => r.id);
}
