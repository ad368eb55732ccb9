import type { DataSource } from 'typeorm';
import { createLogger } from '../../src/logger';
import { openTestDataSource, type TestDataSource } from '../support/database';

export const logger = createLogger('silent');

export type PortalTestDatabase = TestDataSource;

/** A fresh, migrated portal database in the test server. */
export function openPortalTestDatabase(prefix = 'import'): Promise<PortalTestDatabase> {
  return openTestDataSource(prefix, { migrate: true });
}

/** The portal's data tables, referenced tables before those referring to them. */
export const DATA_TABLES = [
  'customer',
  'customer_account',
  'service_location',
  'usage_point',
  'meter',
  'reading_type',
  'meter_reading',
  'interval_reading',
  'interval_revision',
  'usage_daily',
  'usage_monthly',
  'usage_summary',
  'usage_summary_line_item',
];

/**
 * Every portal table's rows (all columns, including updated_at) folded into one md5 per table: two snapshots are equal
 * exactly when nothing was written in between.
 */
export async function snapshot(dataSource: DataSource, tables = DATA_TABLES): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of tables) {
    const [{ digest }] = (await dataSource.query(
      `SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest FROM ${table} t`,
    )) as { digest: string }[];
    out[table] = digest;
  }
  return out;
}
