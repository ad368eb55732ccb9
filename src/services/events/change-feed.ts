import type DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { preparedRows } from '../../db/prepared';
import { UsageChangeEntity } from '../../entities';
import { entityFields, selectColumns, type EntityRow, type EntitySelect } from '../../entities/columns';
import type { Directory } from '../customers/directory';
import { InvalidInputError } from '../errors';
import {
  byIdLoader,
  childCountLoader,
  childCountSql,
  childPageLoader,
  childPageSql,
  type ChildPageKey,
} from '../loaders';
import { keyset, type Page, type PageRequest } from '../pagination';

// The change feed of usage points as the API reads it: the usage_change rows loads write (usage-changes.ts) and the
// interval_revision rows of the same load. Read within the request's AccessScope, batched per GraphQL level.

const CHANGE_FIELDS = entityFields<UsageChangeEntity>()([
  'id',
  'usagePointId',
  'batchId',
  'committedAt',
  'firstDay',
  'lastDay',
  'windowStart',
  'windowEnd',
  'inserted',
  'revised',
]);
/** One committed load (or correction) that wrote readings of a usage point. */
export type UsageChangeRecord = EntityRow<UsageChangeEntity, typeof CHANGE_FIELDS>;
const CHANGE_COLUMNS = selectColumns(UsageChangeEntity, CHANGE_FIELDS);
export const CHANGE_FEED_SELECTS: readonly EntitySelect[] = [{ entity: UsageChangeEntity, columns: CHANGE_COLUMNS }];

/** One stored reading a load changed, with what its values are read in. */
export interface RevisionRecord {
  id: string;
  usagePointId: string;
  meterReadingId: string;
  start: Date;
  /** Of the reading as stored now (a revision does not record it). */
  duration: number;
  /** Raw integers, as interval_reading stores them. */
  oldValue: string;
  newValue: string;
  oldCost: string | null;
  newCost: string | null;
  /** Quality bitmasks. */
  oldQuality: number;
  newQuality: number;
  reason: string;
  uom: number | null;
  powerOfTenMultiplier: number | null;
  flowDirection: number | null;
}

/** `changes(since, first, after)`: the feed of one usage point from `since`, oldest first. */
export interface ChangesRequest extends PageRequest {
  since: Date;
}

// The revisions of a change are those its load (batch) made to its usage point. A change without a batch has none.
const REVISIONS = `(SELECT r.id, c.id AS change_id, r.usage_point_id, r.meter_reading_id, r.start, ir.duration, r.old_value, r.new_value,
    r.old_cost, r.new_cost, r.old_quality, r.new_quality, r.reason, rt.uom, rt.power_of_ten_multiplier, rt.flow_direction
  FROM usage_change c
  JOIN interval_revision r ON r.batch_id = c.batch_id AND r.usage_point_id = c.usage_point_id
  JOIN interval_reading ir ON ir.usage_point_id = r.usage_point_id AND ir.meter_reading_id = r.meter_reading_id AND ir.start = r.start
  JOIN meter_reading m ON m.id = r.meter_reading_id
  JOIN reading_type rt ON rt.id = m.reading_type_id)`;

const REVISION_COLUMNS = `t.id::text AS id, t.usage_point_id::text AS "usagePointId", t.meter_reading_id::text AS "meterReadingId", t.start,
  t.duration, t.old_value::text AS "oldValue", t.new_value::text AS "newValue", t.old_cost::text AS "oldCost", t.new_cost::text AS "newCost",
  t.old_quality AS "oldQuality", t.new_quality AS "newQuality", t.reason, t.uom, t.power_of_ten_multiplier AS "powerOfTenMultiplier",
  t.flow_direction AS "flowDirection"`;

type PageLoader<R> = DataLoader<ChildPageKey, Page<R>, string>;

/** The change feed within one request's scope (the Directory's): one per request, its DataLoaders with it. */
export class ChangeFeed {
  private readonly changes: DataLoader<string, UsageChangeRecord | null>;
  /** Change pages by `since` (siblings of one level share it): one statement per level and since. */
  private readonly changePages = new Map<number, PageLoader<UsageChangeRecord>>();
  private readonly revisionPages: PageLoader<RevisionRecord>;

  constructor(
    private readonly db: DataSource,
    private readonly directory: Directory,
  ) {
    const { scope } = directory;
    this.changes = byIdLoader((ids) => {
      const params: unknown[] = [ids];
      return this.rows(
        `SELECT ${CHANGE_COLUMNS} FROM usage_change t WHERE t.id = ANY($1::bigint[]) AND ${scope.whereUsagePointId('t.usage_point_id', params)}`,
        params,
      );
    });
    const revisionCounts = childCountLoader((changeIds) => {
      const params: unknown[] = [changeIds];
      return this.rows(
        childCountSql(REVISIONS, 'change_id', scope.whereUsagePointId('t.usage_point_id', params)),
        params,
      );
    });
    this.revisionPages = childPageLoader<RevisionRecord>(
      (changeIds, { limit, afterKey, beforeKey, backward }) => {
        const params: unknown[] = [changeIds, afterKey, limit + 1, beforeKey];
        return this.rows(
          childPageSql(
            REVISION_COLUMNS,
            REVISIONS,
            'change_id',
            scope.whereUsagePointId('t.usage_point_id', params),
            backward,
          ),
          params,
        );
      },
      (changeId) => revisionCounts.load(changeId),
    );
  }

  private rows<R>(sql: string, params: unknown[]): Promise<R[]> {
    return preparedRows<R>(this.db, sql, params);
  }

  private changePagesSince(since: Date): PageLoader<UsageChangeRecord> {
    let pages = this.changePages.get(since.getTime());
    if (pages) return pages;
    const { scope } = this.directory;
    const where = (params: unknown[]) => {
      params.push(since);
      return `t.committed_at >= $${params.length} AND ${scope.whereUsagePointId('t.usage_point_id', params)}`;
    };
    const counts = childCountLoader((usagePointIds) => {
      const params: unknown[] = [usagePointIds];
      return this.rows(childCountSql('usage_change', 'usage_point_id', where(params)), params);
    });
    pages = childPageLoader<UsageChangeRecord>(
      async (usagePointIds, { limit, afterKey, beforeKey, backward }) => {
        const params: unknown[] = [usagePointIds, afterKey, limit + 1, beforeKey];
        const found = await this.rows<UsageChangeRecord & { parentKey: string; rn?: unknown }>(
          childPageSql(CHANGE_COLUMNS, 'usage_change', 'usage_point_id', where(params), backward),
          params,
        );
        for (const { parentKey: _parent, rn: _rank, ...record } of found) this.changes.prime(record.id, record);
        return found;
      },
      (usagePointId) => counts.load(usagePointId),
    );
    this.changePages.set(since.getTime(), pages);
    return pages;
  }

  /**
   * The changes of a usage point committed at or after `since`, oldest first (per usage point, loads commit in id
   * order: the loader's per-usage-point locks serialise them). Empty for a usage point the caller cannot see.
   */
  changesOf(usagePointId: string, request: ChangesRequest): Promise<Page<UsageChangeRecord>> {
    if (!(request.since instanceof Date) || Number.isNaN(request.since.getTime()))
      throw new InvalidInputError('since is not a valid date-time', 'since');
    return this.changePagesSince(request.since).load({ parentId: usagePointId, ...keyset(request) });
  }

  /** A visible change by id (for node(id:)). */
  change(id: string): Promise<UsageChangeRecord | null> {
    return this.changes.load(id);
  }

  /** The readings the change's load revised at its usage point, in the order they were written. */
  revisionsOf(changeId: string, request: PageRequest): Promise<Page<RevisionRecord>> {
    return this.revisionPages.load({ parentId: changeId, ...keyset(request) });
  }
}
