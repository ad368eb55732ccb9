import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// What the loader wrote of one IntervalBlock into a series, as long as the stored readings at its starts still
// equal it (triggers on interval_reading delete the row otherwise: migration 1765000000000). A forced reload of the
// same file skips the blocks found here. No foreign key to meter_reading: a row goes with its readings, which go with
// their series (migration 1765200000000 says why).
@Entity('interval_block_digest')
@Index('ix_interval_block_digest_batch', ['batchId'])
export class IntervalBlockDigestEntity {
  @PrimaryColumn({ type: 'bigint', name: 'usage_point_id', primaryKeyConstraintName: 'pk_interval_block_digest' })
  usagePointId: string;

  @PrimaryColumn({ type: 'bigint', name: 'meter_reading_id', primaryKeyConstraintName: 'pk_interval_block_digest' })
  meterReadingId: string;

  @PrimaryColumn({ type: 'timestamptz', name: 'first_start', primaryKeyConstraintName: 'pk_interval_block_digest' })
  firstStart: Date;

  @Column({ type: 'timestamptz', name: 'last_start' })
  lastStart: Date;

  @Column({ type: 'integer' })
  readings: number;

  // sha256 of the block's readings as the loader encodes them for COPY (start, duration, value, cost, quality, tou,
  // cpp, tier).
  @Column({ type: 'bytea' })
  digest: Buffer;

  // Oids of the interval_reading partitions of the block's months when it was written: a partition dropped and
  // created again empty has another oid, so the digest no longer matches.
  @Column({ type: 'bigint', array: true })
  partitions: string[];

  // The load that wrote it: a forced reload looks up the digests of the batches with its checksum.
  @Column({ type: 'bigint', name: 'batch_id' })
  batchId: string;
}
