import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../src/db/data-source';
import { runMigrations } from '../../../src/db/migrate';
import { createLogger } from '../../../src/logger';
import { Role, type Principal } from '../../../src/auth/roles';
import { RequestServices } from '../../../src/services/request-services';
import { createTestDatabase, type TestDatabase } from '../../support/database';

export interface ApiDatabase {
  database: TestDatabase;
  db: DataSource;
  close(): Promise<void>;
}

/** A fresh migrated database of its own for one test file. */
export async function openApiDatabase(prefix: string): Promise<ApiDatabase> {
  const database = await createTestDatabase(prefix);
  const db = createDataSource(database.url);
  await db.initialize();
  await runMigrations(db, createLogger('silent'));
  return {
    database,
    db,
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
}

export const CSR: Principal = { subject: 'csr-1', role: Role.CSR };

/** The services of one request of `principal`. */
export function servicesFor(db: DataSource, principal: Principal = CSR): RequestServices {
  return new RequestServices(db, principal);
}
