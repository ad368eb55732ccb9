import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { ExtractRunEntity } from './extract-run.entity';

// Each file an extract run delivers, by checksum: the loader finds which run (and so which change_seq range) a file
// comes from, whatever path brought it (the run itself, the inbox scan, an upload, a retry).
@Entity('extract_delivery')
export class ExtractDeliveryEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_extract_delivery' })
  sha256: string;

  @Column({ type: 'text', name: 'run_id' })
  @Index('ix_extract_delivery_run')
  @ForeignKey(() => ExtractRunEntity, { name: 'fk_extract_delivery_run', onDelete: 'CASCADE' })
  runId: string;

  @Column({ type: 'text', name: 'file_name' })
  fileName: string;

  // What the file holds, for the run's manifest; null for files of runs before shards.
  @Column({ type: 'integer', nullable: true })
  shard: number | null;

  @Column({ type: 'text', nullable: true })
  kind: 'usage' | 'customer' | null;

  @Column({ type: 'bigint', default: 0 })
  bytes: string;

  @Column({ type: 'integer', name: 'usage_points', default: 0 })
  usagePoints: number;

  @Column({ type: 'integer', name: 'meter_readings', default: 0 })
  meterReadings: number;

  @Column({ type: 'integer', default: 0 })
  readings: number;

  @Column({ type: 'integer', default: 0 })
  customers: number;
}
