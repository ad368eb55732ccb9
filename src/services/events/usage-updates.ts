import type { DataSource } from 'typeorm';
import type { NotificationListener } from '../../db/notification-listener';
import type { Logger } from '../../logger';
import { idOf } from '../access/global-id';
import type { Directory } from '../customers/directory';
import { InvalidInputError } from '../errors';
import { LiveStream } from './live-stream';
import { USAGE_CHANGE_CHANNEL } from './usage-changes';

/** One committed change of a usage point's readings (a usage_change row), as its subscribers are told. */
export interface UsageUpdateRecord {
  changeId: string;
  usagePointKey: string;
  batchId: string | null;
  committedAt: Date;
  /** The local days the change wrote, as instants: start of the first, end of the last. */
  from: Date;
  to: Date;
  inserted: number;
  revised: number;
}

/** Changes remembered as delivered, so that a catch-up after a lost connection does not deliver one twice. */
const DELIVERED_KEPT = 10_000;
/** Most changes one catch-up reads; a longer outage loses the rest (the change feed still lists them). */
const CATCH_UP_LIMIT = 10_000;

const COLUMNS = `id::text AS "changeId", usage_point_id::text AS "usagePointKey", batch_id::text AS "batchId", committed_at AS "committedAt",
                 window_start AS "from", window_end AS "to", inserted, revised`;

/**
 * This API process's subscribers of usage points, told of each committed usage change. A load NOTIFYs each change's id
 * at commit (usage-changes.ts); the ids heard in one turn of the event loop are read in one statement, and only for
 * usage points someone here subscribed to, so a load of thousands of points costs each API process one query, and
 * none when nobody here subscribes.
 */
export class UsageUpdateFeed {
  private readonly subscribers = new Map<string, Set<LiveStream<UsageUpdateRecord>>>();
  private heard: string[] = [];
  private delivered = new Set<string>();
  /** The highest change id heard: where a catch-up starts. */
  private lastHeard = 0n;

  constructor(
    private readonly db: DataSource,
    listener: NotificationListener,
    private readonly logger: Logger,
  ) {
    listener.on(USAGE_CHANGE_CHANNEL, { notify: (id) => this.hear(id), resumed: () => void this.catchUp() });
  }

  /**
   * The changes of a usage point from now on, until the caller returns the iterator. Checked like a query at the
   * start: an id that is not a usage point the caller can see is refused (the same whether it exists or not).
   */
  async subscribe(directory: Directory, usagePointId: string): Promise<AsyncIterableIterator<UsageUpdateRecord>> {
    const key = idOf(usagePointId, 'UsagePoint');
    if (!key || !(await directory.usagePoint(key))) throw new InvalidInputError('no usage point with this id is visible to the caller', 'usagePointId');
    const streams = this.subscribers.get(key) ?? new Set();
    this.subscribers.set(key, streams);
    const stream: LiveStream<UsageUpdateRecord> = new LiveStream(() => {
      streams.delete(stream);
      if (streams.size === 0) this.subscribers.delete(key);
    });
    streams.add(stream);
    return stream;
  }

  private hear(id: string): void {
    if (!/^\d{1,19}$/.test(id)) return;
    if (BigInt(id) > this.lastHeard) this.lastHeard = BigInt(id);
    if (this.subscribers.size === 0) return;
    this.heard.push(id);
    if (this.heard.length === 1) setImmediate(() => void this.readHeard());
  }

  private async readHeard(): Promise<void> {
    const ids = this.heard;
    this.heard = [];
    await this.deliver(`SELECT ${COLUMNS} FROM usage_change WHERE id = ANY($1::bigint[]) AND usage_point_id = ANY($2::bigint[]) ORDER BY id`, ids);
  }

  /** Notifications sent while the listener was away are gone: the changes committed since the last one heard. */
  private async catchUp(): Promise<void> {
    if (this.subscribers.size === 0) return;
    await this.deliver(
      `SELECT ${COLUMNS} FROM usage_change WHERE id > $1::bigint AND usage_point_id = ANY($2::bigint[]) ORDER BY id LIMIT ${CATCH_UP_LIMIT}`,
      this.lastHeard.toString(),
    );
  }

  private async deliver(sql: string, changes: unknown): Promise<void> {
    let rows: UsageUpdateRecord[];
    try {
      rows = (await this.db.query(sql, [changes, [...this.subscribers.keys()]])) as UsageUpdateRecord[];
    } catch (error) {
      this.logger.error({ err: error }, 'usage changes not read: their subscribers on this process miss them');
      return;
    }
    for (const row of rows) {
      if (this.delivered.has(row.changeId)) continue;
      if (this.delivered.size >= DELIVERED_KEPT) this.delivered = new Set();
      this.delivered.add(row.changeId);
      if (BigInt(row.changeId) > this.lastHeard) this.lastHeard = BigInt(row.changeId);
      for (const stream of this.subscribers.get(row.usagePointKey) ?? []) stream.push(row);
    }
  }
}
