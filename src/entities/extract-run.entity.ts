import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ExtractRunStatus = 'running' | 'loaded' | 'abandoned';

// One row per ODS extract run that wrote files, registered before any of them reaches the inbox. 'running' while
// the run lives; 'loaded' when every file is in and the watermark advanced (one transaction); 'abandoned' when the
// next run found it dead (killed, or failed) and reclaimed its files and batches.
@Entity('extract_run')
@Check('ck_extract_run_status', `status IN ('running', 'loaded', 'abandoned')`)
export class ExtractRun {
  // The manifest id.
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_extract_run' })
  id: string;

  @Column({ type: 'text' })
  source: string;

  // The change_seq range (seq_from, seq_to] the run's files hold.
  @Column({ type: 'bigint', name: 'seq_from' })
  seqFrom: string;

  @Column({ type: 'bigint', name: 'seq_to' })
  seqTo: string;

  @Column({ type: 'text', default: 'running' })
  @Index('ix_extract_run_status')
  status: ExtractRunStatus;

  // Why a run was abandoned.
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'timestamptz', name: 'started_at', default: () => 'clock_timestamp()' })
  startedAt: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
