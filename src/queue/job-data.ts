import type { Principal } from '../auth/roles';
import type { CimEnvelope, OutgoingMessage } from '../cim';
import type { ImportSource } from '../entities';

// The names of the jobs, one per handler (src/jobs/handlers.ts), and the data each carries.
export const IMPORT_FILE = 'import-file';
export const INBOX_SCAN = 'inbox-scan';
export const ODS_EXTRACT = 'ods-extract';
export const ODS_EXTRACT_RUN = 'ods-extract-run';
export const ODS_EXTRACT_SHARD = 'ods-extract-shard';
export const PARTITION_MAINTENANCE = 'partition-maintenance';
export const CIM_REPLY = 'cim-reply';
export const ALERTS_EVALUATE = 'alerts-evaluate';
export const ALERTS_DATA_MISSING = 'alerts-data-missing';
export const WEBHOOK_RELAY = 'webhook-relay';
export const WEBHOOK_DELIVERY = 'webhook-delivery';

export interface ImportJobData {
  path: string;
  source: ImportSource;
  force?: boolean;
  fallbackZone?: string;
  /** The file sits in the inbox: move it to loaded/ or rejected/ once decided. */
  inbox?: boolean;
  /** Where a rejected inbox file went, so that a retry can put it back once fixed there. */
  rejectedTo?: string;
  /** The API request that asked for the load, so the logs lead from the request to the job and its batch. */
  requestId?: string;
  /**
   * A message received on /cim, spooled to `path`: the file is deleted once the load is decided, and the outcome is
   * posted to `replyAddress` when the sender asked for an asynchronous reply.
   */
  cim?: { request: Pick<CimEnvelope, 'header' | 'soap'>; replyAddress?: string };
}

/** Shared by every job for the same bytes: see enqueueImport, and superseded-failures.ts. */
export const importDeduplicationId = (checksum: string) => `import:${checksum}`;

/** Starts a run (or takes up an unfinished one): plans it, then adds the run's flow. */
export interface ExtractJobData {
  /** ISO date-time: re-extract reads received since then. */
  since?: string;
}

/** The flow's parent: finishes the run once its shards are done. */
export interface ExtractRunJobData {
  runId: string;
  /** The round in which this job failed the run: retried, it takes the run up again in the next round. */
  failedRound?: number;
}

export interface ExtractShardJobData {
  runId: string;
  shard: number;
}

// Ids that name the run, its round and shard: a round's jobs are found again after a restart, and a job of an older
// round is told apart from the current one.
export const extractRunJobId = (runId: string, round: number) => `${runId}-r${round}`;
export const extractShardJobId = (runId: string, shard: number, round: number) => `${runId}-s${shard}-r${round}`;

/** An extract run's shards and what they loaded so far, summed (extract_shard). */
export interface RunProgress {
  shards: number;
  shardsLoaded: number;
  shardsFailed: number;
  files: number;
  readings: number;
  readingsTotal: number;
}

/** The run parent's progress: its children's, summed. */
export interface ExtractRunProgress extends RunProgress {
  phase: 'extract' | 'finish';
  run: string;
}

/**
 * An asynchronous reply (Header AsyncReplyFlag true) to post to the request's ReplyAddress: a ready message (the
 * outcome of a push), or the pages of a get, answered from the database when the job runs.
 */
export type CimReplyJobData =
  | { kind: 'message'; address: string; message: OutgoingMessage }
  | {
      kind: 'get';
      address: string;
      envelope: CimEnvelope;
      principal?: Principal;
      pageReadings?: number;
      cursor?: string;
      pages?: number;
    };

/** One webhook delivery (a row of webhook_delivery) to post; the row says to where, what and whether it still needs to. */
export interface WebhookDeliveryJobData {
  deliveryId: string;
}
