import type { MigrationInterface, QueryRunner } from 'typeorm';

// interval_block_digest loses its foreign key to meter_reading, as interval_reading did (1764500000000): checked row
// by row, with a key-share lock on the meter reading each time, it was most of the time a load spent storing its
// digests (31 000 blocks: 1.14 s of statement with it, 0.55 s without). Nothing needs it:
// - the loader writes digests only for meter readings it has upserted and locked in the same transaction;
// - a digest lives only as long as its readings: deleting a meter reading deletes its readings (1764500000000),
//   whose trigger deletes their digests (1765000000000), and TRUNCATE reaches them the same way;
// - meter reading ids are never reused, so a digest of a deleted series could match no other series anyway.
export class IntervalBlockDigestWithoutForeignKey1765200000000 implements MigrationInterface {
  name = 'IntervalBlockDigestWithoutForeignKey1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE interval_block_digest DROP CONSTRAINT fk_interval_block_digest_meter_reading`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Validates every existing row: digests left without a meter reading make the revert fail instead of hiding them.
    await q.query(`
      ALTER TABLE interval_block_digest ADD CONSTRAINT fk_interval_block_digest_meter_reading FOREIGN KEY (usage_point_id, meter_reading_id)
        REFERENCES meter_reading (usage_point_id, id) ON DELETE CASCADE`);
  }
}
