import type { MigrationInterface, QueryRunner } from 'typeorm';

// Which extract run produced which file (src/entities/extract-run.entity.ts, extract-delivery.entity.ts), and the
// highest extract change_seq loaded per usage point: the loader refuses a file of a run older than what is loaded,
// whatever path the file takes, and the next run reclaims a dead run's files and batches.
export class ExtractRuns1765300000000 implements MigrationInterface {
  name = 'ExtractRuns1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE extract_run (
        id text NOT NULL,
        source text NOT NULL,
        seq_from bigint NOT NULL,
        seq_to bigint NOT NULL,
        status text NOT NULL DEFAULT 'running',
        reason text,
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz,
        CONSTRAINT pk_extract_run PRIMARY KEY (id),
        CONSTRAINT ck_extract_run_status CHECK (status IN ('running', 'loaded', 'abandoned'))
      )`);
    await q.query(`CREATE INDEX ix_extract_run_status ON extract_run (status)`);
    await q.query(`
      CREATE TABLE extract_delivery (
        sha256 text NOT NULL,
        run_id text NOT NULL,
        file_name text NOT NULL,
        CONSTRAINT pk_extract_delivery PRIMARY KEY (sha256),
        CONSTRAINT fk_extract_delivery_run FOREIGN KEY (run_id) REFERENCES extract_run (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_extract_delivery_run ON extract_delivery (run_id)`);
    await q.query('ALTER TABLE usage_point ADD COLUMN extract_seq bigint');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE usage_point DROP COLUMN extract_seq');
    await q.query('DROP TABLE extract_delivery');
    await q.query('DROP TABLE extract_run');
  }
}
