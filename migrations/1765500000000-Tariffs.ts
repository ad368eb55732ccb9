import type { MigrationInterface, QueryRunner } from 'typeorm';

// Tariffs as published (URDB JSON, src/tariffs/urdb.ts): one row per tariff code, one per version of its rate, so a
// change of rate applies from its date. `definition` is the normalised version the pricing reads; `source` the item
// as the utility published it, kept for audit and for re-normalising if the parser learns more.
export class Tariffs1765500000000 implements MigrationInterface {
  name = 'Tariffs1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tariff (
        id bigint GENERATED ALWAYS AS IDENTITY,
        code text NOT NULL,
        name text NOT NULL,
        utility text,
        unit text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_tariff PRIMARY KEY (id),
        CONSTRAINT uq_tariff_code UNIQUE (code)
      )`);
    await q.query(`
      CREATE TABLE tariff_version (
        id bigint GENERATED ALWAYS AS IDENTITY,
        tariff_id bigint NOT NULL,
        label text NOT NULL,
        valid_from timestamptz,
        valid_to timestamptz,
        definition jsonb NOT NULL,
        source jsonb NOT NULL,
        source_file text NOT NULL,
        loaded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_tariff_version PRIMARY KEY (id),
        CONSTRAINT uq_tariff_version_label UNIQUE (label),
        CONSTRAINT fk_tariff_version_tariff FOREIGN KEY (tariff_id) REFERENCES tariff (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_tariff_version_tariff ON tariff_version (tariff_id, valid_from)`);
    // No foreign key: the ODS may name a tariff before its file is loaded; the API shows no tariff until it is.
    await q.query(`ALTER TABLE usage_point ADD COLUMN tariff_profile text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE usage_point DROP COLUMN tariff_profile`);
    await q.query(`DROP TABLE tariff_version`);
    await q.query(`DROP TABLE tariff`);
  }
}
