import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { entities } from '../entities';
import { migrations } from '../../migrations';
import { pgDriver } from './pool';

export function createDataSource(
  url: string,
  options: { poolSize?: number; applicationName?: string } = {},
): DataSource {
  return new DataSource({
    type: 'postgres',
    // pg as TypeORM would load it, with its pool kept where the services find it (pool.ts).
    driver: pgDriver(),
    url,
    entities,
    migrations,
    migrationsTableName: 'typeorm_migrations',
    // Every schema change is a reviewed migration; the schema check in the tests proves entities agree with them.
    synchronize: false,
    migrationsRun: false,
    // One transaction per migration, so a failed migration leaves the previous ones applied and itself not at all.
    migrationsTransactionMode: 'each',
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'usage-portal',
    extra: { connectionTimeoutMillis: 10_000 },
  });
}
