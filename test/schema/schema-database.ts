import type { DataSource } from 'typeorm';
import { openTestDataSource, type TestDataSource } from '../support/database';

export type SchemaDatabase = TestDataSource;

// A fresh database with this repository's entities and migrations registered, migrations not yet run.
export function openSchemaDatabase(): Promise<SchemaDatabase> {
  return openTestDataSource('schema', { migrate: false });
}

export async function userTables(dataSource: DataSource): Promise<string[]> {
  const rows: { relname: string }[] = await dataSource.query(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  );
  return rows.map((r) => r.relname);
}

export interface SeededSeries {
  usagePointId: string;
  meterReadingId: string;
}

// A usage point with one 15-minute Wh series, the minimum interval_reading rows need to point at.
export async function seedSeries(dataSource: DataSource, externalId = 'up-1'): Promise<SeededSeries> {
  const [{ id: usagePointId }] = await dataSource.query(
    `INSERT INTO usage_point (source_system, external_id, service_category_kind) VALUES ('test', $1, 0) RETURNING id`,
    [externalId],
  );
  const [{ id: readingTypeId }] = await dataSource.query(
    `INSERT INTO reading_type (uom, power_of_ten_multiplier, interval_length) VALUES (72, 0, 900)
     ON CONFLICT ON CONSTRAINT uq_reading_type_signature DO UPDATE SET uom = EXCLUDED.uom RETURNING id`,
  );
  const [{ id: meterReadingId }] = await dataSource.query(
    `INSERT INTO meter_reading (usage_point_id, reading_type_id) VALUES ($1, $2) RETURNING id`,
    [usagePointId, readingTypeId],
  );
  return { usagePointId, meterReadingId };
}
