import pg, { type Pool, type PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

// The pg pool under each DataSource. TypeORM's postgres driver builds its pool from the `driver` option (documented:
// "the driver object, defaults to require('pg')"); createDataSource gives each DataSource its own pg driver object
// whose Pool class records the pool it makes here, so the services reach the same pool (and its size limit) through
// the DataSource's options instead of the driver's fields.
const pools = new WeakMap<object, Pool>();

/** pg, with a Pool class that registers the pool TypeORM makes from it: the `driver` option of one DataSource. */
export function pgDriver(): typeof pg {
  const driver = Object.create(pg) as typeof pg;
  class RegisteredPool extends pg.Pool {
    constructor(config?: pg.PoolConfig) {
      super(config);
      pools.set(driver, this);
    }
  }
  return Object.assign(driver, { Pool: RegisteredPool });
}

/** The pg pool of a DataSource made by createDataSource; undefined before it is initialized. */
export function poolOf(db: DataSource): Pool | undefined {
  const { options } = db;
  if (!db.isInitialized || options.type !== 'postgres' || !options.driver) return undefined;
  return pools.get(options.driver as object);
}

function initializedPool(db: DataSource): Pool {
  const pool = poolOf(db);
  if (!pool) throw new Error('the DataSource has no pg pool: not initialized, or not made by createDataSource');
  return pool;
}

/** Rows of one statement on any connection of the pool. */
export async function poolRows<R>(db: DataSource, query: pg.QueryConfig): Promise<R[]> {
  return (await initializedPool(db).query(query)).rows as R[];
}

/**
 * One connection of the pool for statements that need pg itself (COPY, array-mode pages, session settings) or one
 * connection for a while (a transaction across steps, a session lock). release() gives it back; a connection that
 * was lost or failed to roll back is discarded instead.
 */
export class Connection {
  private open = false;
  private broken = false;
  // A checked-out client emits a lost connection (a server restart) as an event, which must not crash the process:
  // the statement under way rejects anyway, and release() discards the client.
  private readonly onError = () => {
    this.broken = true;
  };

  private constructor(readonly client: PoolClient) {
    client.on('error', this.onError);
  }

  static async of(db: DataSource): Promise<Connection> {
    return new Connection(await initializedPool(db).connect());
  }

  get inTransaction(): boolean {
    return this.open;
  }

  async begin(statement = 'BEGIN'): Promise<void> {
    await this.client.query(statement);
    this.open = true;
  }

  async commit(): Promise<void> {
    this.open = false;
    await this.client.query('COMMIT');
  }

  async rollback(): Promise<void> {
    this.open = false;
    await this.client.query('ROLLBACK').catch((error: unknown) => {
      this.broken = true;
      throw error;
    });
  }

  release(): void {
    this.client.off('error', this.onError);
    this.client.release(this.broken);
  }
}

/** Runs `fn` on one connection; gives it back whatever happens. */
export async function withConnection<T>(db: DataSource, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.of(db);
  try {
    return await fn(connection);
  } finally {
    if (connection.inTransaction) await connection.rollback().catch(() => undefined);
    connection.release();
  }
}

/** Runs `fn` in one transaction (`begin`: the statement that opens it), committed when `fn` returns, else rolled back. */
export async function transaction<T>(
  db: DataSource,
  fn: (client: PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  return withConnection(db, async (connection) => {
    await connection.begin(begin);
    const result = await fn(connection.client);
    await connection.commit();
    return result;
  });
}
