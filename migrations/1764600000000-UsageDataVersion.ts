import type { MigrationInterface, QueryRunner } from 'typeorm';

// usage_point.data_version: bumped by the loader in the transaction that changes what usage() answers for the usage
// point (readings, rollups, its zone, a new series), so an API process can tell whether a cached answer is current.
export class UsageDataVersion1764600000000 implements MigrationInterface {
  name = 'UsageDataVersion1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE usage_point ADD COLUMN data_version bigint NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE usage_point DROP COLUMN data_version');
  }
}
