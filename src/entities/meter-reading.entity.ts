import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { ReadingTypeEntity } from './reading-type.entity';
import { UsagePointEntity } from './usage-point.entity';

// One series of a usage point: its natural key is the reading type, so re-importing a feed whose MeterReading
// hrefs changed still lands on the same series.
@Entity('meter_reading')
@Unique('uq_meter_reading_reading_type', ['usagePointId', 'readingTypeId'])
// Target of the usage tables' composite foreign keys (see the migration).
@Unique('uq_meter_reading_usage_point_id', ['usagePointId', 'id'])
export class MeterReadingEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_meter_reading',
  })
  id: string;

  @Column({ type: 'bigint', name: 'usage_point_id' })
  @ForeignKey(() => UsagePointEntity, { name: 'fk_meter_reading_usage_point', onDelete: 'CASCADE' })
  usagePointId: string;

  @Column({ type: 'bigint', name: 'reading_type_id' })
  @Index('ix_meter_reading_reading_type')
  @ForeignKey(() => ReadingTypeEntity, { name: 'fk_meter_reading_reading_type' })
  readingTypeId: string;

  // ESPI MeterReading self href, kept for export and diagnostics; not part of the natural key.
  @Column({ type: 'text', name: 'external_id', nullable: true })
  externalId: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
