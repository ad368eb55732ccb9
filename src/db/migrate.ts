import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';
import { StartupError } from '../startup-error';

// Any constant works as long as every process uses the same one; this is "usage-portal" folded into int4 range.
const MIGRATION_LOCK_KEY = 0x75706f72;

async function unknownAppliedMigrations(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const [{ exists }] = (await dataSource.query('SELECT to_regclass($1) IS NOT NULL AS exists', [table])) as {
    exists: boolean;
  }[];
  if (!exists) return [];
  const applied = (await dataSource.query(`SELECT name FROM "${table}" ORDER BY id`)) as { name: string }[];
  const known = new Set(dataSource.migrations.map((m) => m.name ?? m.constructor.name));
  return applied.map((row) => row.name).filter((name) => !known.has(name));
}

async function assertNoUnknownMigrations(dataSource: DataSource): Promise<void> {
  const unknown = await unknownAppliedMigrations(dataSource);
  if (unknown.length > 0) {
    throw new StartupError(
      `the database was migrated by a newer version of usage-portal (unknown migrations: ${unknown.join(', ')}); deploy that version or restore the database`,
    );
  }
}

/** Applies pending migrations; an advisory lock makes concurrent starts wait for each other instead of racing. */
export async function runMigrations(dataSource: DataSource, logger: Logger): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await assertNoUnknownMigrations(dataSource);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) logger.info({ migration: migration.name }, 'migration applied');
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** For processes started with MIGRATE_ON_START=false: refuse to run against a schema that is not exactly ours. */
export async function assertMigrated(dataSource: DataSource): Promise<void> {
  await assertNoUnknownMigrations(dataSource);
  if (await dataSource.showMigrations()) {
    throw new StartupError(
      'the database has pending migrations: run `usage-portal migrate` (or start with MIGRATE_ON_START=true)',
    );
  }
}
