import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { ExtractRunEntity } from './extract-run.entity';

export type ExtractShardStatus = 'pending' | 'loaded' | 'failed';

// One child of an extract run: the customers (whole, with every usage point and channel in the run's range) the
// plan gave it, and its outcome. 'loaded' once its last file committed; 'failed' with the reason when its job ran out
// of attempts. A shard is extracted and loaded again whole when retried: its files' bytes are the same, so what it
// loaded before is recognised by checksum and not loaded twice.
@Entity('extract_shard')
@Check('ck_extract_shard_status', `status IN ('pending', 'loaded', 'failed')`)
export class ExtractShardEntity {
  @PrimaryColumn({ type: 'text', name: 'run_id', primaryKeyConstraintName: 'pk_extract_shard' })
  @ForeignKey(() => ExtractRunEntity, { name: 'fk_extract_shard_run', onDelete: 'CASCADE' })
  runId: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'pk_extract_shard' })
  shard: number;

  @Column({ type: 'bigint', name: 'customer_ids', array: true })
  customerIds: string[];

  @Column({ type: 'bigint', name: 'usage_point_ids', array: true })
  usagePointIds: string[];

  @Column({ type: 'bigint', name: 'channel_ids', array: true })
  channelIds: string[];

  // Planned: the shard's share of the run's progress total.
  @Column({ type: 'bigint' })
  readings: string;

  @Column({ type: 'text', default: 'pending' })
  status: ExtractShardStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'integer', default: 0 })
  files: number;

  @Column({ type: 'bigint', name: 'readings_loaded', default: 0 })
  readingsLoaded: string;

  @Column({ type: 'timestamptz', name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
