import { ImportBatchEntity } from '../../entities';
import { allFields, selectColumns, type EntityField, type EntityRow, type EntitySelect } from '../../entities/columns';
import type { JobStateName, QueueName } from '../../queue/queues';
import type { ImportResult } from '../import/types';

// What the ops service hands to the GraphQL layer: plain records, free of BullMQ objects and of customer data.

export interface JobProgressRecord {
  phase: string | null;
  /** 0 to 100, from whichever totals the job reports (bytes of a file, files of an extract). */
  percent: number | null;
  readings: number | null;
  readingsTotal: number | null;
  bytes: number | null;
  bytesTotal: number | null;
  files: number | null;
  filesTotal: number | null;
  shards: number | null;
  shardsLoaded: number | null;
}

export interface JobRecord {
  queue: QueueName;
  id: string;
  name: string;
  /** null when the job is gone (removed, or past its retention). */
  state: JobStateName | null;
  progress: JobProgressRecord | null;
  attemptsMade: number;
  attemptsAllowed: number;
  createdAt: Date;
  processedAt: Date | null;
  finishedAt: Date | null;
  failedReason: string | null;
  /** Only for ADMIN: stack traces name files and internals. */
  stacktrace: string[] | null;
  /** Base name of the file an import job loads; never the job's other data. */
  file: string | null;
  /** The Job Scheduler that created this job, if any. */
  scheduler: string | null;
}

export interface JobCountsRecord {
  waiting: number;
  active: number;
  delayed: number;
  prioritized: number;
  waitingChildren: number;
  paused: number;
  completed: number;
  failed: number;
}

export interface ThroughputRecord {
  minutes: number;
  completed: number;
  failed: number;
  failureRate: number | null;
  completedTotal: number;
  failedTotal: number;
}

export interface SchedulerRecord {
  queue: QueueName;
  id: string;
  jobName: string;
  pattern: string | null;
  everyMs: number | null;
  timeZone: string | null;
  nextRunAt: Date | null;
  lastRun: JobRecord | null;
}

/** An import_batch row as stored, every column: warnings and errors are the JSON the load wrote. */
export type ImportBatchRow = EntityRow<ImportBatchEntity, EntityField<ImportBatchEntity>[]>;
/** An import_batch row's SELECT list, over the table unaliased. */
export const IMPORT_BATCH_COLUMNS = selectColumns(ImportBatchEntity, allFields(ImportBatchEntity), '');

/** An import_batch row; its warnings and errors are the load result's, as text. */
export type ImportBatchRecord = Omit<ImportBatchRow, 'warnings' | 'errors'> & Pick<ImportResult, 'warnings' | 'errors'>;

export const OPS_SELECTS: readonly EntitySelect[] = [{ entity: ImportBatchEntity, columns: IMPORT_BATCH_COLUMNS }];
