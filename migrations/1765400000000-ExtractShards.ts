import type { MigrationInterface, QueryRunner } from 'typeorm';

// An extract run as a flow of shards (src/entities/extract-shard.entity.ts): the plan's assignment of customers,
// usage points and channels to each shard and each shard's outcome, the parent job that owns the run, and what each
// delivered file holds, from which the run's manifest is written once every shard is loaded.
export class ExtractShards1765400000000 implements MigrationInterface {
  name = 'ExtractShards1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE extract_run DROP CONSTRAINT ck_extract_run_status`);
    await q.query(
      `ALTER TABLE extract_run ADD CONSTRAINT ck_extract_run_status CHECK (status IN ('running', 'loaded', 'abandoned', 'failed'))`,
    );
    await q.query(`
      ALTER TABLE extract_run
        ADD COLUMN since timestamptz,
        ADD COLUMN shards integer NOT NULL DEFAULT 0,
        ADD COLUMN readings bigint NOT NULL DEFAULT 0,
        ADD COLUMN job_id text,
        ADD COLUMN round integer NOT NULL DEFAULT 1`);
    await q.query(`
      CREATE TABLE extract_shard (
        run_id text NOT NULL,
        shard integer NOT NULL,
        customer_ids bigint[] NOT NULL,
        usage_point_ids bigint[] NOT NULL,
        channel_ids bigint[] NOT NULL,
        readings bigint NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        reason text,
        files integer NOT NULL DEFAULT 0,
        readings_loaded bigint NOT NULL DEFAULT 0,
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT pk_extract_shard PRIMARY KEY (run_id, shard),
        CONSTRAINT fk_extract_shard_run FOREIGN KEY (run_id) REFERENCES extract_run (id) ON DELETE CASCADE,
        CONSTRAINT ck_extract_shard_status CHECK (status IN ('pending', 'loaded', 'failed'))
      )`);
    await q.query(`
      ALTER TABLE extract_delivery
        ADD COLUMN shard integer,
        ADD COLUMN kind text,
        ADD COLUMN bytes bigint NOT NULL DEFAULT 0,
        ADD COLUMN usage_points integer NOT NULL DEFAULT 0,
        ADD COLUMN meter_readings integer NOT NULL DEFAULT 0,
        ADD COLUMN readings integer NOT NULL DEFAULT 0,
        ADD COLUMN customers integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE extract_delivery DROP COLUMN shard, DROP COLUMN kind, DROP COLUMN bytes, DROP COLUMN usage_points, DROP COLUMN meter_readings, DROP COLUMN readings, DROP COLUMN customers`,
    );
    await q.query('DROP TABLE extract_shard');
    await q.query(
      `ALTER TABLE extract_run DROP COLUMN since, DROP COLUMN shards, DROP COLUMN readings, DROP COLUMN job_id, DROP COLUMN round`,
    );
    await q.query(`UPDATE extract_run SET status = 'abandoned' WHERE status = 'failed'`);
    await q.query(`ALTER TABLE extract_run DROP CONSTRAINT ck_extract_run_status`);
    await q.query(
      `ALTER TABLE extract_run ADD CONSTRAINT ck_extract_run_status CHECK (status IN ('running', 'loaded', 'abandoned'))`,
    );
  }
}
