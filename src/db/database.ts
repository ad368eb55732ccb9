import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { StartupError } from '../startup-error';
import { describeConnectionError } from './connection-errors';
import { createDataSource } from './data-source';
import { startEmbeddedPostgres, type PostgresServer } from './embedded-postgres';
import { assertMigrated, runMigrations } from './migrate';

export const EMBEDDED_DATABASE = 'usage_portal';

export interface PortalDatabase {
  url: string;
  dataSource: DataSource;
  embedded?: PostgresServer;
  close(): Promise<void>;
}

/** Creates the database in that server if it does not exist; returns its URL. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  // A connection lost mid-query (the server stopping under a shutdown) also rejects that query, which the caller
  // handles; without a listener the same error emitted as an event would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The server URL given by DATABASE_URL, or the embedded server's `usage_portal` database started for this process. */
export async function resolveDatabaseUrl(
  config: Config,
  logger: Logger,
): Promise<{ url: string; embedded?: PostgresServer }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, logger });
  try {
    return { url: await ensureDatabase(embedded.serverUrl, EMBEDDED_DATABASE), embedded };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

export async function openPortalDatabase(
  config: Config,
  logger: Logger,
  options: { poolSize?: number; applicationName?: string } = {},
): Promise<PortalDatabase> {
  const { url, embedded } = await resolveDatabaseUrl(config, logger);
  const dataSource = createDataSource(url, options);
  try {
    await dataSource.initialize();
    const [{ version }] = (await dataSource.query("SELECT current_setting('server_version_num')::int AS version")) as {
      version: number;
    }[];
    if (version < 150000)
      throw new StartupError(`DATABASE_URL: PostgreSQL 15 or newer is required (server is ${version})`);
  } catch (error) {
    await embedded?.stop();
    if (error instanceof StartupError) throw error;
    throw new StartupError(
      describeConnectionError(error, config.databaseUrl ? 'DATABASE_URL' : 'embedded PostgreSQL', url),
    );
  }
  return {
    url,
    dataSource,
    embedded,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/**
 * The database at this version's schema, as every process that uses it starts: pending migrations applied when
 * MIGRATE_ON_START (the default), else refused unless already migrated. Closed again when that fails.
 */
export async function openMigratedDatabase(
  config: Config,
  logger: Logger,
  options: Parameters<typeof openPortalDatabase>[2] = {},
): Promise<PortalDatabase> {
  const database = await openPortalDatabase(config, logger, options);
  try {
    if (config.migrateOnStart) await runMigrations(database.dataSource, logger);
    else await assertMigrated(database.dataSource);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
