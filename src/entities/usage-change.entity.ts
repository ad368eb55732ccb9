import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ImportBatchEntity } from './import-batch.entity';
import { UsagePointEntity } from './usage-point.entity';

// One committed load that wrote readings of a usage point: the change feed (UsagePoint.changes). Written in the load's
// transaction, so the feed holds exactly the loads that committed; a load that changed nothing writes none.
@Entity('usage_change')
@Index('ix_usage_change_usage_point', ['usagePointId', 'committedAt', 'id'])
export class UsageChangeEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_usage_change',
  })
  id: string;

  @Column({ type: 'bigint', name: 'usage_point_id' })
  @ForeignKey(() => UsagePointEntity, { name: 'fk_usage_change_usage_point', onDelete: 'CASCADE' })
  usagePointId: string;

  @Column({ type: 'bigint', name: 'batch_id', nullable: true })
  @ForeignKey(() => ImportBatchEntity, { name: 'fk_usage_change_batch', onDelete: 'SET NULL' })
  batchId: string | null;

  @Column({ type: 'timestamptz', name: 'committed_at', default: () => 'clock_timestamp()' })
  committedAt: Date;

  // The local days (the usage point's zone) of the readings written, first and last inclusive.
  @Column({ type: 'date', name: 'first_day' })
  firstDay: string;

  @Column({ type: 'date', name: 'last_day' })
  lastDay: string;

  // The same window as instants: start of the first day, end of the last.
  @Column({ type: 'timestamptz', name: 'window_start' })
  windowStart: Date;

  @Column({ type: 'timestamptz', name: 'window_end' })
  windowEnd: Date;

  @Column({ type: 'integer' })
  inserted: number;

  @Column({ type: 'integer' })
  revised: number;
}
