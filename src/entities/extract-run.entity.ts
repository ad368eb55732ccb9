import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ExtractRunStatus = 'running' | 'loaded' | 'abandoned' | 'failed';

// One row per ODS extract run, registered with its plan (extract_shard) before any of its files is written.
// 'running' while its shards work; 'failed' when a shard ran out of attempts (the next run, or a retry of the run's
// job, takes it up again with the shards not loaded); 'loaded' when every shard is in and the watermark advanced (one
// transaction); 'abandoned' for a run of an earlier version of the extract that died before its watermark moved.
@Entity('extract_run')
@Check('ck_extract_run_status', `status IN ('running', 'loaded', 'abandoned', 'failed')`)
export class ExtractRunEntity {
  // The manifest id; its files' names start with it.
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

  // Why a run failed or was abandoned.
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  // The change_seq range is replaced by reads received since then (a re-extract).
  @Column({ type: 'timestamptz', nullable: true })
  since: Date | null;

  @Column({ type: 'integer', default: 0 })
  shards: number;

  // Readings the plan counted in the range: the run's progress total.
  @Column({ type: 'bigint', default: 0 })
  readings: string;

  // The flow's parent job that owns the run; a new owner takes over a run whose owner is gone or failed.
  @Column({ type: 'text', name: 'job_id', nullable: true })
  jobId: string | null;

  // Incremented each time the run is taken up again; names the round's jobs.
  @Column({ type: 'integer', default: 1 })
  round: number;

  @Column({ type: 'timestamptz', name: 'started_at', default: () => 'clock_timestamp()' })
  startedAt: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
