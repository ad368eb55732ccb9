import { Column, Entity, PrimaryColumn } from 'typeorm';

// How far the ODS extract has loaded, per source. Advanced only after the loads of an extract committed: a crash in
// between re-extracts the same range, which the idempotent load makes harmless.
@Entity('extract_watermark')
export class ExtractWatermarkEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_extract_watermark' })
  source: string;

  // The highest ODS change_seq whose rows are loaded.
  @Column({ type: 'bigint', name: 'change_seq' })
  changeSeq: string;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
