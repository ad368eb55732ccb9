import type { MigrationInterface, QueryRunner } from 'typeorm';

// One row per IntervalBlock the loader wrote into a series: a digest of the block's reading tuples, kept while the
// stored readings at the block's starts still equal them. A forced reload of the same file skips the blocks whose
// digest is still here (src/services/import/block-digests.ts). Any UPDATE or DELETE of readings removes the digests
// of the series' blocks around the changed readings (statement triggers with transition tables, so the loader's plain
// INSERT of a first load pays nothing); a TRUNCATE removes them all; a deleted series takes its rows with it. An
// INSERT cannot make a digest wrong: a block's starts are all taken while its digest is here. Dropping a partition
// fires no trigger: a row records the oids of the partitions its block was written to, and holds only while those
// same partitions are attached (one dropped and created again has another oid).
export class IntervalBlockDigest1765000000000 implements MigrationInterface {
  name = 'IntervalBlockDigest1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE interval_block_digest (
        usage_point_id bigint NOT NULL,
        meter_reading_id bigint NOT NULL,
        first_start timestamptz NOT NULL,
        last_start timestamptz NOT NULL,
        readings integer NOT NULL,
        digest bytea NOT NULL,
        partitions bigint[] NOT NULL,
        batch_id bigint NOT NULL,
        CONSTRAINT pk_interval_block_digest PRIMARY KEY (usage_point_id, meter_reading_id, first_start),
        CONSTRAINT fk_interval_block_digest_meter_reading FOREIGN KEY (usage_point_id, meter_reading_id)
          REFERENCES meter_reading (usage_point_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_interval_block_digest_batch ON interval_block_digest (batch_id)`);
    // Per series and UTC day of the changed readings: coarser than the readings themselves, never finer.
    await q.query(`
      CREATE FUNCTION interval_block_digest_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM interval_block_digest d
         USING (SELECT usage_point_id, meter_reading_id, min(start) AS lo, max(start) AS hi
                  FROM changed_rows GROUP BY usage_point_id, meter_reading_id, date_trunc('day', start, 'UTC')) c
         WHERE d.usage_point_id = c.usage_point_id AND d.meter_reading_id = c.meter_reading_id
           AND d.first_start <= c.hi AND d.last_start >= c.lo;
        RETURN NULL;
      END $$`);
    for (const op of ['UPDATE', 'DELETE']) {
      await q.query(`
        CREATE TRIGGER tg_interval_reading_${op.toLowerCase()}_digests AFTER ${op} ON interval_reading
          REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION interval_block_digest_invalidate()`);
    }
    await q.query(`
      CREATE FUNCTION interval_block_digest_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE interval_block_digest;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tg_interval_reading_truncate_digests AFTER TRUNCATE ON interval_reading
        FOR EACH STATEMENT EXECUTE FUNCTION interval_block_digest_truncate()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER tg_interval_reading_truncate_digests ON interval_reading');
    await q.query('DROP TRIGGER tg_interval_reading_delete_digests ON interval_reading');
    await q.query('DROP TRIGGER tg_interval_reading_update_digests ON interval_reading');
    await q.query('DROP FUNCTION interval_block_digest_truncate(), interval_block_digest_invalidate()');
    await q.query('DROP TABLE interval_block_digest');
  }
}
