import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { SourcedRecord } from './sourced-record';
import { UsagePointEntity } from './usage-point.entity';

@Entity('meter')
@Unique('uq_meter_source', ['sourceSystem', 'externalId'])
export class MeterEntity extends SourcedRecord {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_meter',
  })
  id: string;

  @Column({ type: 'bigint', name: 'usage_point_id', nullable: true })
  @Index('ix_meter_usage_point')
  @ForeignKey(() => UsagePointEntity, { name: 'fk_meter_usage_point', onDelete: 'SET NULL' })
  usagePointId: string | null;

  @Column({ type: 'text', name: 'serial_number', nullable: true })
  serialNumber: string | null;

  @Column({ type: 'text', name: 'form_number', nullable: true })
  formNumber: string | null;

  // Seconds.
  @Column({ type: 'integer', name: 'interval_length', nullable: true })
  intervalLength: number | null;
}
