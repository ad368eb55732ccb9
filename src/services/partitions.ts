import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { transaction } from '../db/pool';

// interval_reading is range-partitioned by UTC calendar month on `start`, one partition per month named
// interval_reading_yYYYYmMM, and has no DEFAULT partition: a row for a month nobody prepared fails with
// "no partition of relation "interval_reading" found for row" instead of filling a catch-all that would then block
// creating that month's partition. The maintenance job keeps months ahead of now ready; the loader calls this for the
// months of a file before inserting (real files go back to 2011).

const parent = 'interval_reading';
// Guards against a wrong unit or a swapped range creating thousands of tables: 100 years of months.
const maxMonths = 1200;
// Serialises partition creation between processes; an arbitrary constant in the bigint advisory lock space.
const advisoryLockKey = '7283400113575301';

export function intervalPartitionName(month: Date): string {
  const y = month.getUTCFullYear();
  const m = String(month.getUTCMonth() + 1).padStart(2, '0');
  return `${parent}_y${y}m${m}`;
}

// The UTC months that intersect [from, to), each as its first instant.
export function monthsCovering(from: Date, to: Date): Date[] {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
    throw new RangeError('partition range has an invalid date');
  if (from >= to) return [];
  const months: Date[] = [];
  for (
    let month = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1));
    month < to;
    month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1))
  ) {
    months.push(month);
    if (months.length > maxMonths) {
      throw new RangeError(
        `partition range ${from.toISOString()}..${to.toISOString()} spans more than ${maxMonths} months`,
      );
    }
  }
  return months;
}

/**
 * Creates the missing monthly partitions of interval_reading that cover [from, to) and returns the names of those it
 * created (empty when all existed). Idempotent and safe to run from several processes at once. Pass the client of a
 * transaction the caller holds to run inside it (each month then becomes a savepoint); with a DataSource each month is
 * its own short transaction.
 */
export async function ensureIntervalPartitions(db: DataSource | PoolClient, from: Date, to: Date): Promise<string[]> {
  const created: string[] = [];
  for (const month of monthsCovering(from, to)) {
    const name = intervalPartitionName(month);
    const next = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
    const made = await monthTransaction(db, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [advisoryLockKey]);
      const {
        rows: [{ exists }],
      } = await tx.query<{ exists: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [name]);
      if (exists) return false;
      // Created standalone and then attached: ATTACH PARTITION takes only a SHARE UPDATE EXCLUSIVE lock on the parent,
      // so readers and the loader keep going, where CREATE TABLE … PARTITION OF would take ACCESS EXCLUSIVE and queue
      // every query behind it. LIKE copies the NOT NULL and CHECK constraints that ATTACH requires; the primary key
      // index is cloned from the parent on attach. fillfactor leaves room on each page so a
      // corrected value is a HOT update (no indexed column changes) that does not touch the primary key index.
      await tx.query(
        `CREATE TABLE ${name} (LIKE ${parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = 90)`,
      );
      await tx.query(
        `ALTER TABLE ${parent} ATTACH PARTITION ${name} FOR VALUES FROM ('${month.toISOString()}') TO ('${next.toISOString()}')`,
      );
      return true;
    });
    if (made) created.push(name);
  }
  return created;
}

/** `fn` in a transaction of its own, or in a savepoint of the transaction that `db`, a client, holds. */
async function monthTransaction<T>(db: DataSource | PoolClient, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  if (db instanceof DataSource) return transaction(db, fn);
  await db.query('SAVEPOINT interval_partition');
  try {
    const result = await fn(db);
    await db.query('RELEASE SAVEPOINT interval_partition');
    return result;
  } catch (error) {
    await db.query('ROLLBACK TO SAVEPOINT interval_partition');
    throw error;
  }
}

// Names of the partitions that exist; the names sort in time order.
export async function listIntervalPartitions(db: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await db.query(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
    [parent],
  );
  return rows.map((r) => r.name);
}
