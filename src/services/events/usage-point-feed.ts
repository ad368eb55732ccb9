import type { DataSource } from 'typeorm';
import type { NotificationListener } from '../../db/notification-listener';
import type { Logger } from '../../logger';
import { idOf } from '../access/global-id';
import type { Directory } from '../customers/directory';
import { InvalidInputError } from '../errors';
import { LiveStream } from './live-stream';

/** Rows remembered as delivered, so that a catch-up after a lost connection does not deliver one twice. */
const DELIVERED_KEPT = 10_000;
/** Most rows one catch-up reads; a longer outage loses the rest (the lists of the API still hold them). */
const CATCH_UP_LIMIT = 10_000;

/** What a feed delivers: a row with a bigint id (the one NOTIFYed) of one usage point. */
export interface UsagePointFeedRow {
  id: string;
  usagePointKey: string;
}

export interface FeedSource {
  /** NOTIFY channel whose payload is the id of a committed row. */
  channel: string;
  table: string;
  /** Select list giving `id` and `usagePointKey` (and the rest of the record), over the table without alias. */
  columns: string;
  /** For logs: what the rows are. */
  what: string;
}

/**
 * This API process's subscribers of usage points, told of each committed row of a table whose writer NOTIFYs the
 * row's id at commit (usage changes, alerts). The ids heard in one turn of the event loop are read in one statement,
 * and only for usage points someone here subscribed to, so a load of thousands of points costs each API process one
 * query, and none when nobody here subscribes.
 */
export class UsagePointFeed<R extends UsagePointFeedRow> {
  private readonly subscribers = new Map<string, Set<LiveStream<R>>>();
  private heard: string[] = [];
  private delivered = new Set<string>();
  /** The highest id heard: where a catch-up starts. */
  private lastHeard = 0n;

  constructor(
    private readonly db: DataSource,
    listener: NotificationListener,
    private readonly logger: Logger,
    private readonly source: FeedSource,
  ) {
    listener.on(source.channel, { notify: (id) => this.hear(id), resumed: () => void this.catchUp() });
  }

  /**
   * The rows of a usage point from now on, until the caller returns the iterator. Checked like a query at the start:
   * an id that is not a usage point the caller can see is refused (the same whether it exists or not).
   */
  async subscribe(directory: Directory, usagePointId: string): Promise<AsyncIterableIterator<R>> {
    const key = idOf(usagePointId, 'UsagePoint');
    if (!key || !(await directory.usagePoint(key)))
      throw new InvalidInputError('no usage point with this id is visible to the caller', 'usagePointId');
    const streams = this.subscribers.get(key) ?? new Set();
    this.subscribers.set(key, streams);
    const stream: LiveStream<R> = new LiveStream(() => {
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
    const { columns, table } = this.source;
    await this.deliver(
      `SELECT ${columns} FROM ${table} WHERE id = ANY($1::bigint[]) AND usage_point_id = ANY($2::bigint[]) ORDER BY id`,
      ids,
    );
  }

  /** Notifications sent while the listener was away are gone: the rows committed since the last one heard. */
  private async catchUp(): Promise<void> {
    if (this.subscribers.size === 0) return;
    const { columns, table } = this.source;
    await this.deliver(
      `SELECT ${columns} FROM ${table} WHERE id > $1::bigint AND usage_point_id = ANY($2::bigint[]) ORDER BY id LIMIT ${CATCH_UP_LIMIT}`,
      this.lastHeard.toString(),
    );
  }

  private async deliver(sql: string, after: unknown): Promise<void> {
    let rows: R[];
    try {
      rows = (await this.db.query(sql, [after, [...this.subscribers.keys()]])) as R[];
    } catch (error) {
      this.logger.error({ err: error }, `${this.source.what} not read: their subscribers on this process miss them`);
      return;
    }
    for (const row of rows) {
      if (this.delivered.has(row.id)) continue;
      if (this.delivered.size >= DELIVERED_KEPT) this.delivered = new Set();
      this.delivered.add(row.id);
      if (BigInt(row.id) > this.lastHeard) this.lastHeard = BigInt(row.id);
      for (const stream of this.subscribers.get(row.usagePointKey) ?? []) stream.push(row);
    }
  }
}
