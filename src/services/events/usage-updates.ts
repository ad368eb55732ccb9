import type { DataSource } from 'typeorm';
import type { NotificationListener } from '../../db/notification-listener';
import { UsageChangeEntity } from '../../entities';
import { entityFields, selectColumns, type EntityRow, type EntitySelect } from '../../entities/columns';
import type { Logger } from '../../logger';
import { USAGE_CHANGE_CHANNEL } from './usage-changes';
import { UsagePointFeed } from './usage-point-feed';

const UPDATE_FIELDS = entityFields<UsageChangeEntity>()(['id', 'batchId', 'committedAt', 'inserted', 'revised']);
/** One committed change of a usage point's readings (a usage_change row), as its subscribers are told. */
export type UsageUpdateRecord = EntityRow<UsageChangeEntity, typeof UPDATE_FIELDS> & {
  usagePointKey: string;
  /** The local days the change wrote, as instants: start of the first, end of the last. */
  from: Date;
  to: Date;
};
const UPDATE_COLUMNS = `${selectColumns(UsageChangeEntity, UPDATE_FIELDS, '')},
  usage_point_id::text AS "usagePointKey", window_start AS "from", window_end AS "to"`;
export const USAGE_UPDATE_SELECTS: readonly EntitySelect[] = [{ entity: UsageChangeEntity, columns: UPDATE_COLUMNS }];

export type UsageUpdateFeed = UsagePointFeed<UsageUpdateRecord>;

/** Subscribers of usage points told of each committed usage change (NOTIFYed by the load, usage-changes.ts). */
export function usageUpdateFeed(db: DataSource, listener: NotificationListener, logger: Logger): UsageUpdateFeed {
  return new UsagePointFeed<UsageUpdateRecord>(db, listener, logger, {
    channel: USAGE_CHANGE_CHANNEL,
    table: 'usage_change',
    columns: UPDATE_COLUMNS,
    what: 'usage changes',
  });
}
