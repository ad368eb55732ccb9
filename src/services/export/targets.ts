import type { DataSource } from 'typeorm';
import type { AccessScope } from '../access/access-scope';
import { idOf } from '../access/global-id';
import { BadUserInputError } from '../errors';

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
export async function resolveExportTargets(db: DataSource, scope: AccessScope, target: ExportTarget, field: readonly string[]): Promise<string[]> {
  if (target.customerId !== undefined) {
    const id = idOf(target.customerId, 'Customer');
    if (!id) throw new BadUserInputError('not a customer id', [...field, 'customerId']);
    const params: unknown[] = [id];
    const rows = (await db.query(
      `SELECT up.id::text AS id FROM usage_point up JOIN customer_account a ON a.id = up.customer_account_id JOIN customer c ON c.id = a.customer_id
        WHERE c.id = $1 AND ${scope.whereCustomer('c', params)} AND ${scope.whereUsagePoint('up', params)} ORDER BY up.id`,
      params,
    )) as { id: string }[];
    if (rows.length === 0) throw new BadUserInputError('no customer with usage points under this id', [...field, 'customerId']);
    return rows.map((r) => r.id);
  }
  const globalIds = target.usagePointIds ?? [];
  if (globalIds.length === 0 || globalIds.length > 100) throw new BadUserInputError('name 1 to 100 usage points', [...field, 'usagePointIds']);
  const ids = globalIds.map((g) => idOf(g, 'UsagePoint'));
  if (ids.some((id) => id === null)) throw new BadUserInputError('not a usage point id', [...field, 'usagePointIds']);
  const unique = [...new Set(ids as string[])];
  if ((await visibleUsagePoints(db, scope, unique)).length !== unique.length) throw new BadUserInputError('no usage point under this id', [...field, 'usagePointIds']);
  return unique.sort((a, b) => Number(BigInt(a) - BigInt(b)));
}

/** Those of the usage points (database ids) the scope may see. */
export async function visibleUsagePoints(db: DataSource, scope: AccessScope, ids: readonly string[]): Promise<string[]> {
  const params: unknown[] = [ids];
  const rows = (await db.query(`SELECT t.id::text AS id FROM usage_point t WHERE t.id = ANY($1::bigint[]) AND ${scope.whereUsagePoint('t', params)}`, params)) as { id: string }[];
  return rows.map((r) => r.id);
}

/** Checks a [from, to) range: both instants, from before to. */
export function checkRange(from: Date, to: Date, field: readonly string[]): void {
  if (Number.isNaN(from.getTime())) throw new BadUserInputError('from is not a date-time', [...field, 'from']);
  if (Number.isNaN(to.getTime())) throw new BadUserInputError('to is not a date-time', [...field, 'to']);
  if (from.getTime() >= to.getTime()) throw new BadUserInputError('from must be before to', [...field, 'from']);
}
