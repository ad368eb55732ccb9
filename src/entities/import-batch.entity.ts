import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ImportSource = 'file' | 'cim' | 'ods' | 'upload' | 'cli';
export type ImportStatus = 'queued' | 'running' | 'loaded' | 'rejected' | 'failed';

// One row per file (or ODS extract) handed to the loader. text + CHECK rather than PostgreSQL enums: adding a value
// later is a plain constraint swap inside a transaction.
@Entity('import_batch')
@Check('ck_import_batch_source', `source IN ('file', 'cim', 'ods', 'upload', 'cli')`)
@Check('ck_import_batch_status', `status IN ('queued', 'running', 'loaded', 'rejected', 'failed')`)
@Check('ck_import_batch_checksum', `checksum ~ '^[0-9a-f]{64}$'`)
// A file is loaded once; --force reloads are marked forced and stay outside the uniqueness.
@Index('uq_import_batch_checksum', ['checksum'], { unique: true, where: `status = 'loaded' AND NOT forced` })
export class ImportBatchEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_import_batch',
  })
  id: string;

  @Column({ type: 'text' })
  source: ImportSource;

  @Column({ type: 'text', name: 'file_name', nullable: true })
  fileName: string | null;

  // sha256 of the file bytes, lowercase hex.
  @Column({ type: 'text', nullable: true })
  checksum: string | null;

  @Column({ type: 'boolean', default: false })
  forced: boolean;

  @Column({ type: 'text', default: 'queued' })
  status: ImportStatus;

  @Column({ type: 'text', name: 'job_id', nullable: true })
  jobId: string | null;

  @Column({ type: 'integer', name: 'usage_points', default: 0 })
  usagePoints: number;

  @Column({ type: 'integer', name: 'meter_readings', default: 0 })
  meterReadings: number;

  @Column({ type: 'integer', default: 0 })
  readings: number;

  @Column({ type: 'integer', default: 0 })
  inserted: number;

  @Column({ type: 'integer', default: 0 })
  updated: number;

  @Column({ type: 'integer', default: 0 })
  unchanged: number;

  @Column({ type: 'integer', default: 0 })
  rejected: number;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  warnings: unknown[];

  @Column({ type: 'jsonb', default: () => `'[]'` })
  errors: unknown[];

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  @Index('ix_import_batch_created_at')
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
