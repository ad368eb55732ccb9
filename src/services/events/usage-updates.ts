import type { DataSource } from 'typeorm';
import type { NotificationListener } from '../../db/notification-listener';
import type { Logger } from '../../logger';
import { USAGE_CHANGE_CHANNEL } from './usage-changes';
import { UsagePointFeed } from './usage-point-feed';

/** One committed change of a usage point's readings (a usage_change row), as its subscribers are told. */
export interface UsageUpdateRecord {
  id: string;
  usagePointKey: string;
  batchId: string | null;
  committedAt: Date;
  /** The local days the change wrote, as instants: start of the first, end of the last. */
  from: Date;
  to: Date;
  inserted: number;
  revised: number;
}

export type UsageUpdateFeed = UsagePointFeed<UsageUpdateRecord>;

/** Subscribers of usage points told of each committed usage change (NOTIFYed by the load, usage-changes.ts). */
export function usageUpdateFeed(db: DataSource, listener: NotificationListener, logger: Logger): UsageUpdateFeed {
  return new UsagePointFeed<UsageUpdateRecord>(db, listener, logger, {
    channel: USAGE_CHANGE_CHANNEL,
    table: 'usage_change',
    columns: `id::text AS id, usage_point_id::text AS "usagePointKey", batch_id::text AS "batchId", committed_at AS "committedAt",
              window_start AS "from", window_end AS "to", inserted, revised`,
    what: 'usage changes',
  });
}
