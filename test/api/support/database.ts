import type { DataSource } from 'typeorm';
import { Role, type Principal } from '../../../src/auth/roles';
import { RequestServices } from '../../../src/services/request-services';
import { openTestDataSource, type TestDatabase } from '../../support/database';

export interface ApiDatabase {
  database: TestDatabase;
  db: DataSource;
  close(): Promise<void>;
}

/** A fresh migrated database of its own for one test file. */
export async function openApiDatabase(prefix: string): Promise<ApiDatabase> {
  const { db, dataSource, close } = await openTestDataSource(prefix, { migrate: true });
  return { database: db, db: dataSource, close };
}

export const CSR: Principal = { subject: 'csr-1', role: Role.CSR };

/** The services of one request of `principal`. */
export function servicesFor(db: DataSource, principal: Principal = CSR): RequestServices {
  return new RequestServices(db, principal);
}
