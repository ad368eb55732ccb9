import type DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { AccessScope } from '../access/access-scope';
import { preparedRows } from '../../db/prepared';
import { byIdLoader, byParentLoader, childCountLoader, childCountSql, childPageLoader, childPageSql } from '../loaders';
import { keyset, toPage, type Page, type PageRequest } from '../pagination';
import {
  ACCOUNT_COLUMNS,
  CUSTOMER_COLUMNS,
  LINE_ITEM_COLUMNS,
  METER_COLUMNS,
  METER_READING_COLUMNS,
  READING_TYPE_COLUMNS,
  SERVICE_LOCATION_COLUMNS,
  USAGE_POINT_COLUMNS,
  USAGE_SUMMARY_COLUMNS,
  type AccountRecord,
  type CustomerRecord,
  type LineItemRecord,
  type MeterReadingRecord,
  type MeterRecord,
  type ReadingTypeRecord,
  type ServiceLocationRecord,
  type UsagePointRecord,
  type UsageSummaryRecord,
} from './records';
import { redactAccount, redactCustomer, redactServiceLocation, redactUsagePoint } from './redaction';
import { SummaryPages, type SummaryPageRequest } from './summary-pages';

/** A series of a usage point with its reading type. */
export interface SeriesRecord {
  meterReading: MeterReadingRecord;
  readingType: ReadingTypeRecord;
}

/** The series of the usage point `usagePointId` (an SQL expression), each as one JSON `series` with its reading type. */
const SERIES_OF = (usagePointId: string) => `SELECT m.id AS "meterReadingId",
    jsonb_build_object('meterReading', to_jsonb(mr), 'readingType', to_jsonb(rt)) AS series
  FROM meter_reading m
  CROSS JOIN LATERAL (SELECT ${METER_READING_COLUMNS} FROM meter_reading t WHERE t.id = m.id) mr
  CROSS JOIN LATERAL (SELECT ${READING_TYPE_COLUMNS} FROM reading_type t WHERE t.id = m.reading_type_id) rt
  WHERE m.usage_point_id = ${usagePointId}`;

/**
 * Customers, accounts, usage points and what hangs off them, read within one request's AccessScope. Built per request:
 * its DataLoaders cache and batch for that request only, and every statement carries the scope's condition.
 */
export class Directory {
  private readonly customers: DataLoader<string, CustomerRecord | null>;
  private readonly accounts: DataLoader<string, AccountRecord | null>;
  private readonly accountPages;
  private readonly usagePoints: DataLoader<string, UsagePointRecord | null>;
  private readonly usagePointPages;
  private readonly serviceLocations: DataLoader<string, ServiceLocationRecord | null>;
  private readonly meters: DataLoader<string, MeterRecord | null>;
  private readonly metersByUsagePoint: DataLoader<string, MeterRecord[]>;
  private readonly readingTypes: DataLoader<string, ReadingTypeRecord | null>;
  private readonly meterReadings: DataLoader<string, MeterReadingRecord | null>;
  private readonly seriesByUsagePoint: DataLoader<string, SeriesRecord[]>;
  private readonly meterReadingPages;
  private readonly summaries: DataLoader<string, UsageSummaryRecord | null>;
  private readonly summaryPages: SummaryPages;
  private readonly lineItems: DataLoader<string, LineItemRecord[]>;

  constructor(
    private readonly db: DataSource,
    readonly scope: AccessScope,
  ) {
    const rows = <R>(sql: string, params: unknown[]) => preparedRows<R>(db, sql, params);
    const pii = scope.seesPersonalData;
    const byId = <R extends { id: string }>(
      columns: string,
      table: string,
      where: (params: unknown[]) => string,
      redact?: (r: R) => R,
    ) =>
      byIdLoader<R>(async (ids) => {
        const params: unknown[] = [ids];
        const found = await rows<R>(
          `SELECT ${columns} FROM ${table} t WHERE t.id = ANY($1::bigint[]) AND ${where(params)}`,
          params,
        );
        return redact && !pii ? found.map(redact) : found;
      });
    // Rows of a page are primed into the by-id loader (same scope), so that a later lookup of the same object, from
    // whichever field, is answered from memory: fewer statements, and a count that does not depend on timing. The
    // page's count has the same scope, one statement per level too.
    const pages = <R extends { id: string }>(
      columns: string,
      table: string,
      parent: string,
      where: (params: unknown[]) => string,
      redact?: (r: R) => R,
      byIdOf?: () => DataLoader<string, R | null>,
    ) => {
      const counts = childCountLoader((parentIds) => {
        const params: unknown[] = [parentIds];
        return rows(childCountSql(table, parent, where(params)), params);
      });
      return childPageLoader<R>(
        async (parentIds, { limit, afterKey, beforeKey, backward }) => {
          const params: unknown[] = [parentIds, afterKey, limit + 1, beforeKey];
          const raw = await rows<R & { parentKey: string }>(
            childPageSql(columns, table, parent, where(params), backward),
            params,
          );
          const found = redact && !pii ? raw.map((r) => ({ ...redact(r), parentKey: r.parentKey })) : raw;
          for (const { parentKey: _parent, rn: _rank, ...record } of found as (R & {
            parentKey: string;
            rn?: unknown;
          })[]) {
            byIdOf?.().prime(record.id, record as unknown as R);
          }
          return found;
        },
        (parentId) => counts.load(parentId),
      );
    };

    this.customers = byId(CUSTOMER_COLUMNS, 'customer', (p) => scope.whereCustomer('t', p), redactCustomer);
    this.accounts = byId(ACCOUNT_COLUMNS, 'customer_account', (p) => scope.whereAccount('t', p), redactAccount);
    this.accountPages = pages(
      ACCOUNT_COLUMNS,
      'customer_account',
      'customer_id',
      (p) => scope.whereAccount('t', p),
      redactAccount,
      () => this.accounts,
    );
    // A usage point is read with its series (a handful of rows each): a usage query needs both, and on this path a
    // round trip to the database costs more than the rows (bench/README.md "api").
    this.usagePoints = byIdLoader<UsagePointRecord>(async (ids) => {
      const params: unknown[] = [ids];
      const found = await rows<UsagePointRecord & { series: SeriesRecord[] }>(
        `SELECT ${USAGE_POINT_COLUMNS}, (SELECT coalesce(jsonb_agg(s."series" ORDER BY s."meterReadingId"), '[]') FROM (${SERIES_OF('t.id')}) s) AS series
         FROM usage_point t WHERE t.id = ANY($1::bigint[]) AND ${scope.whereUsagePoint('t', params)}`,
        params,
      );
      return found.map(({ series, ...record }) => {
        this.seriesByUsagePoint.prime(record.id, series);
        return pii ? record : redactUsagePoint(record);
      });
    });
    this.usagePointPages = pages(
      USAGE_POINT_COLUMNS,
      'usage_point',
      'customer_account_id',
      (p) => scope.whereUsagePoint('t', p),
      redactUsagePoint,
      () => this.usagePoints,
    );
    this.serviceLocations = byId(
      SERVICE_LOCATION_COLUMNS,
      'service_location',
      (p) =>
        `EXISTS (SELECT 1 FROM usage_point up WHERE up.service_location_id = t.id AND ${scope.whereUsagePoint('up', p)})`,
      redactServiceLocation,
    );
    this.meters = byId(
      METER_COLUMNS,
      'meter',
      (p) => `t.usage_point_id IS NOT NULL AND ${scope.whereUsagePointId('t.usage_point_id', p)}`,
    );
    this.metersByUsagePoint = byParentLoader<MeterRecord>((ids) => {
      const params: unknown[] = [ids];
      const where = scope.whereUsagePointId('t.usage_point_id', params);
      return rows(
        `SELECT ${METER_COLUMNS}, t.usage_point_id::text AS "parentKey" FROM meter t
        WHERE t.usage_point_id = ANY($1::bigint[]) AND ${where} ORDER BY t.id`,
        params,
      );
    });
    // Reading types are shared by every usage point with the same codes; a CUSTOMER reaches only those of its own
    // series.
    this.readingTypes = byId(
      READING_TYPE_COLUMNS,
      'reading_type',
      (p) =>
        `EXISTS (SELECT 1 FROM meter_reading mr WHERE mr.reading_type_id = t.id AND ${scope.whereUsagePointId('mr.usage_point_id', p)})`,
    );
    this.meterReadings = byId(METER_READING_COLUMNS, 'meter_reading', (p) =>
      scope.whereUsagePointId('t.usage_point_id', p),
    );
    // One statement for the series and their reading types: usage queries need both before they can read anything.
    this.seriesByUsagePoint = byParentLoader<SeriesRecord>(async (ids) => {
      const params: unknown[] = [ids];
      const where = scope.whereUsagePointId('u.id', params);
      const found = await rows<{ parentKey: string; series: SeriesRecord }>(
        `SELECT u.id::text AS "parentKey", s.series FROM unnest($1::bigint[]) AS u(id)
         CROSS JOIN LATERAL (${SERIES_OF('u.id')}) s WHERE ${where} ORDER BY s."meterReadingId"`,
        params,
      );
      return found.map(({ parentKey, series }) => ({ parentKey, ...series }));
    });
    this.meterReadingPages = pages<MeterReadingRecord>(METER_READING_COLUMNS, 'meter_reading', 'usage_point_id', (p) =>
      scope.whereUsagePointId('t.usage_point_id', p),
    );
    this.summaries = byId(USAGE_SUMMARY_COLUMNS, 'usage_summary', (p) =>
      scope.whereUsagePointId('t.usage_point_id', p),
    );
    this.summaryPages = new SummaryPages(rows, scope, (record) => this.summaries.prime(record.id, record));
    this.lineItems = byParentLoader<LineItemRecord>((ids) => {
      const params: unknown[] = [ids];
      const where = scope.whereUsagePointId('t.usage_point_id', params);
      return rows(
        `SELECT ${LINE_ITEM_COLUMNS}, t.usage_summary_id::text AS "parentKey" FROM usage_summary_line_item t
        WHERE t.usage_summary_id = ANY($1::bigint[]) AND ${where} ORDER BY t.id`,
        params,
      );
    });
  }

  private async topLevelPage<R extends { id: string }>(
    columns: string,
    table: string,
    where: (params: unknown[]) => string,
    request: PageRequest,
    byId: DataLoader<string, R | null>,
    redact?: (r: R) => R,
  ): Promise<Page<R>> {
    const page = keyset(request);
    const params: unknown[] = [page.afterKey, page.beforeKey, page.limit + 1];
    const raw = (await this.db.query(
      `SELECT ${columns} FROM ${table} t WHERE ($1::bigint IS NULL OR t.id > $1::bigint) AND ($2::bigint IS NULL OR t.id < $2::bigint)
         AND ${where(params)} ORDER BY t.id ${page.backward ? 'DESC' : 'ASC'} LIMIT $3`,
      params,
    )) as R[];
    const found = redact && !this.scope.seesPersonalData ? raw.map(redact) : raw;
    for (const record of found) byId.prime(record.id, record);
    return toPage(
      found,
      page,
      (row) => row.id,
      async () => {
        const countParams: unknown[] = [];
        const [{ count }] = (await this.db.query(
          `SELECT count(*)::int AS count FROM ${table} t WHERE ${where(countParams)}`,
          countParams,
        )) as { count: number }[];
        return count;
      },
    );
  }

  customer(id: string): Promise<CustomerRecord | null> {
    return this.customers.load(id);
  }

  customerPage(request: PageRequest): Promise<Page<CustomerRecord>> {
    return this.topLevelPage(
      CUSTOMER_COLUMNS,
      'customer',
      (p) => this.scope.whereCustomer('t', p),
      request,
      this.customers,
      redactCustomer,
    );
  }

  account(id: string): Promise<AccountRecord | null> {
    return this.accounts.load(id);
  }

  accountsOf(customerId: string, request: PageRequest): Promise<Page<AccountRecord>> {
    return this.accountPages.load({ parentId: customerId, ...keyset(request) });
  }

  usagePoint(id: string): Promise<UsagePointRecord | null> {
    return this.usagePoints.load(id);
  }

  /** Every visible usage point, including (for staff) those loaded before any customer feed claimed them. */
  usagePointPage(request: PageRequest): Promise<Page<UsagePointRecord>> {
    return this.topLevelPage(
      USAGE_POINT_COLUMNS,
      'usage_point',
      (p) => this.scope.whereUsagePoint('t', p),
      request,
      this.usagePoints,
      redactUsagePoint,
    );
  }

  usagePointsOf(accountId: string, request: PageRequest): Promise<Page<UsagePointRecord>> {
    return this.usagePointPages.load({ parentId: accountId, ...keyset(request) });
  }

  serviceLocation(id: string): Promise<ServiceLocationRecord | null> {
    return this.serviceLocations.load(id);
  }

  meter(id: string): Promise<MeterRecord | null> {
    return this.meters.load(id);
  }

  metersOf(usagePointId: string): Promise<MeterRecord[]> {
    return this.metersByUsagePoint.load(usagePointId);
  }

  readingType(id: string): Promise<ReadingTypeRecord | null> {
    return this.readingTypes.load(id);
  }

  meterReading(id: string): Promise<MeterReadingRecord | null> {
    return this.meterReadings.load(id);
  }

  /** All series of a usage point (a handful) with their reading types, for choosing the one a usage query reads. */
  seriesOf(usagePointId: string): Promise<SeriesRecord[]> {
    return this.seriesByUsagePoint.load(usagePointId);
  }

  meterReadingsOf(usagePointId: string, request: PageRequest): Promise<Page<MeterReadingRecord>> {
    return this.meterReadingPages.load({ parentId: usagePointId, ...keyset(request) });
  }

  /** A summary by its usage point and id; null unless both match and the usage point is visible. */
  async summary(usagePointId: string, id: string): Promise<UsageSummaryRecord | null> {
    const found = await this.summaries.load(id);
    return found && found.usagePointId === usagePointId ? found : null;
  }

  /** Bills of a usage point in billing-period order (either way), optionally those overlapping [from, to). */
  summariesOf(usagePointId: string, request: SummaryPageRequest): Promise<Page<UsageSummaryRecord>> {
    return this.summaryPages.load(usagePointId, request);
  }

  lineItemsOf(summaryId: string): Promise<LineItemRecord[]> {
    return this.lineItems.load(summaryId);
  }
}
