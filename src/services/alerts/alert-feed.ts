import type { DataSource } from 'typeorm';
import type { NotificationListener } from '../../db/notification-listener';
import type { Logger } from '../../logger';
import { UsagePointFeed } from '../events/usage-point-feed';
import { ALERT_CHANNEL } from './alert-kinds';
import { alertColumns, type AlertRecord } from './records';

export type AlertFeed = UsagePointFeed<AlertRecord & { usagePointKey: string }>;

/** Subscribers of usage points told of each alert raised on them (NOTIFYed in the transaction that raises it, raise.ts). */
export function alertFeed(db: DataSource, listener: NotificationListener, logger: Logger): AlertFeed {
  return new UsagePointFeed(db, listener, logger, {
    channel: ALERT_CHANNEL,
    table: 'alert',
    columns: `${alertColumns('')}, usage_point_id::text AS "usagePointKey"`,
    what: 'alerts',
  });
}
