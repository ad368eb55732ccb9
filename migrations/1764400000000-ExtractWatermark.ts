import type { MigrationInterface, QueryRunner } from 'typeorm';

// The ODS extract's watermark (src/entities/extract-watermark.entity.ts).
export class ExtractWatermark1764400000000 implements MigrationInterface {
  name = 'ExtractWatermark1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE extract_watermark (
        source text NOT NULL,
        change_seq bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_extract_watermark PRIMARY KEY (source)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE extract_watermark');
  }
}
