import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { transaction } from '../../db/pool';

/**
 * Runs `fn` on one connection inside a read-only REPEATABLE READ transaction: an export that pages through a year of
 * readings sees one consistent state even while loads commit, and holds no more than one page in memory. The pg
 * client itself: keyset pages in array mode, and session settings local to the transaction.
 */
export async function withSnapshot<T>(db: DataSource, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return transaction(db, fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
}
