import { Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ImportBatchEntity } from './import-batch.entity';
import { MeterReadingEntity } from './meter-reading.entity';
import { MeterReadingKey } from './meter-reading-key';

// What a correction replaced. Not partitioned: only changed readings land here, orders of magnitude fewer rows than
// interval_reading, and they are read per reading (the primary key) or per batch, never by time range.
@Entity('interval_revision')
@ForeignKey(() => MeterReadingEntity, ['usagePointId', 'meterReadingId'], ['usagePointId', 'id'], {
  name: 'fk_interval_revision_meter_reading',
  onDelete: 'CASCADE',
})
export class IntervalRevisionEntity extends MeterReadingKey {
  @PrimaryColumn({ type: 'timestamptz' })
  start: Date;

  // Tie-breaker: one reading can be revised many times, even within a transaction (same now()).
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  // The batch that made the correction.
  @Column({ type: 'bigint', name: 'batch_id', nullable: true })
  @Index('ix_interval_revision_batch')
  @ForeignKey(() => ImportBatchEntity, { name: 'fk_interval_revision_batch', onDelete: 'SET NULL' })
  batchId: string | null;

  // The batch that had written the replaced value.
  @Column({ type: 'bigint', name: 'old_batch_id', nullable: true })
  oldBatchId: string | null;

  @Column({ type: 'bigint', name: 'old_value' })
  oldValue: string;

  @Column({ type: 'bigint', name: 'new_value' })
  newValue: string;

  @Column({ type: 'bigint', name: 'old_cost', nullable: true })
  oldCost: string | null;

  @Column({ type: 'bigint', name: 'new_cost', nullable: true })
  newCost: string | null;

  @Column({ type: 'integer', name: 'old_quality' })
  oldQuality: number;

  @Column({ type: 'integer', name: 'new_quality' })
  newQuality: number;

  // e.g. 'correction' (value or cost changed), 'quality' (only the quality changed).
  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'timestamptz', name: 'revised_at', default: () => 'now()' })
  revisedAt: Date;
}
