import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Runs `fn` on one connection inside a read-only REPEATABLE READ transaction: an export that pages through a year of
 * readings sees one consistent state even while loads commit, and holds no more than one page in memory.
 */
export async function withSnapshot<T>(db: DataSource, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const runner = db.createQueryRunner('slave');
  await runner.connect();
  // The pg client under TypeORM: keyset pages in array mode, and session settings local to the transaction.
  const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}
