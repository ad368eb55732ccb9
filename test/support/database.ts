import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { runMigrations } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';

// scripts/test.mjs starts one PostgreSQL server for the run (embedded, or the one TEST_DATABASE_URL names) and each
// test creates its own database in it, so test files can run in parallel without seeing each other's rows.
export function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests through `npm test` (scripts/test.mjs)');
  return url;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new Client({ connectionString: serverUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TestDataSource {
  db: TestDatabase;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * A fresh database opened with the product's own DataSource configuration (so tests exercise what runs in
 * production), migrated unless the test is about the migrations themselves.
 */
export async function openTestDataSource(prefix: string, { migrate }: { migrate: boolean }): Promise<TestDataSource> {
  const db = await createTestDatabase(prefix);
  const dataSource = createDataSource(db.url);
  await dataSource.initialize();
  if (migrate) await runMigrations(dataSource, createLogger('silent'));
  return {
    db,
    dataSource,
    async close() {
      await dataSource.destroy();
      await db.drop();
    },
  };
}
