import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { entities } from '../../src/entities';
import { migrations } from '../../migrations';
import { createTestDatabase, type TestDatabase } from '../support/database';

export interface SchemaDatabase {
  db: TestDatabase;
  dataSource: DataSource;
  close(): Promise<void>;
}

// A fresh database with this repository's entities and migrations registered, migrations not yet run.
export async function openSchemaDatabase(): Promise<SchemaDatabase> {
  const db = await createTestDatabase('schema');
  const dataSource = new DataSource({
    type: 'postgres',
    url: db.url,
    entities,
    migrations,
    // As src/db/data-source.ts configures it.
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
  });
  await dataSource.initialize();
  return {
    db,
    dataSource,
    async close() {
      await dataSource.destroy();
      await db.drop();
    },
  };
}

export async function userTables(dataSource: DataSource): Promise<string[]> {
  const rows: { relname: string }[] = await dataSource.query(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  );
  return rows.map((r) => r.relname);
}
