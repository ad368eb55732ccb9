import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { preparedRows } from '../../db/prepared';
import { ESTIMATED_QUALITY_MASK } from '../../entities';

// Batched statements behind usage() and completeness(): whatever the number of usage points in a query, each kind
// of read is one statement, with the per-series parameters passed as parallel arrays and unnested.

/** Sums of one bucket or rollup period, raw (before the multiplier) and exact. */
export interface Sums {
  value: string;
  cost: string | null;
  readings: number;
  estimated: number;
  /** Epoch milliseconds: a year of daily rows would otherwise parse 732 timestamps per query. */
  firstStart: number;
  lastEnd: number;
}

/** Raw readings of one series with start in [edges[0], last edge), summed per bucket [edges[i], edges[i+1]). */
export interface RawRequest {
  usagePointId: string;
  meterReadingId: string;
  edges: readonly number[];
}

/** Rollup rows of one series with period in [fromDate, toDate) (YYYY-MM-DD, local to the usage point). */
export interface RollupRequest {
  usagePointId: string;
  meterReadingId: string;
  fromDate: string;
  toDate: string;
}

/** Readings of one series with start in [from, to) (its `count`). */
export interface ReadingRange {
  usagePointId: string;
  meterReadingId: string;
  from: Date;
  to: Date;
}

/**
 * Readings of a range with start after `after` and before `before`: the first `limit` in time order, or with
 * `backward` the last `limit` in reverse time order.
 */
export interface ReadingsRequest extends ReadingRange {
  after: Date | null;
  before: Date | null;
  backward: boolean;
  limit: number;
}

export interface ReadingRow {
  usagePointId: string;
  meterReadingId: string;
  start: Date;
  duration: number;
  value: string;
  cost: string | null;
  quality: number;
}

export type BucketSums = Sums & { bucket: number };

/**
 * Rollup rows of one series packed into one text (PackedRows), each `period,value,readings,estimated[,firstStart,
 * lastEnd][,cost]`: the period as days since 1970-01-01 of its first local day, instants as epoch milliseconds, the
 * cost absent when null.
 */
export type PackedRollups = string;

function unnestColumns<K>(keys: readonly K[], columns: ((key: K) => unknown)[]): unknown[] {
  return [keys.map((_, i) => i), ...columns.map((column) => keys.map(column))];
}

/** Rows by the ordinal of the key they answer; each row keeps its `ord` (a copy without it per row is garbage). */
function groupByOrdinal<R extends { ord: number }>(count: number, rows: R[]): R[][] {
  const groups: R[][] = Array.from({ length: count }, () => []);
  for (const row of rows) groups[row.ord].push(row);
  return groups;
}

export class AggregateLoaders {
  readonly raw: DataLoader<RawRequest, BucketSums[], string>;
  readonly daily: DataLoader<RollupRequest, PackedRollups, string>;
  /** Daily rollups with each day's first reading start and last reading end, for completeness(). */
  readonly dailyWithExtent: DataLoader<RollupRequest, PackedRollups, string>;
  readonly monthly: DataLoader<RollupRequest, PackedRollups, string>;
  readonly readings: DataLoader<ReadingsRequest, ReadingRow[], string>;
  readonly readingCounts: DataLoader<ReadingRange, number, string>;
  /** End of the latest reading of a series (its "data through"), or null without readings. */
  readonly latestEnd: DataLoader<string, Date | null>;

  constructor(db: DataSource) {
    this.raw = new DataLoader(
      async (keys) => {
        const params = unnestColumns(keys, [
          (k) => k.usagePointId,
          (k) => k.meterReadingId,
          (k) => `{${k.edges.map((t) => new Date(t).toISOString()).join(',')}}`,
        ]);
        params.push(ESTIMATED_QUALITY_MASK);
        const rows = (await preparedRows(
          db,
          `SELECT k.ord, a.*
           FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::text[]) AS k(ord, up, mr, edges_text)
           -- OFFSET 0 keeps the subquery from being flattened: otherwise the cast is re-evaluated for every reading (a month
           -- of hours: 744 edges parsed per reading, 470 ms instead of 3 ms).
           CROSS JOIN LATERAL (SELECT k.edges_text::timestamptz[] AS edges OFFSET 0) e
           CROSS JOIN LATERAL (
             SELECT width_bucket(r.start, e.edges) - 1 AS bucket, sum(r.value)::text AS value, sum(r.cost)::text AS cost,
               count(*)::int AS readings, (count(*) FILTER (WHERE r.quality & $5 <> 0))::int AS estimated,
               (extract(epoch FROM min(r.start)) * 1000)::float8 AS "firstStart",
               (extract(epoch FROM max(r.start + r.duration * interval '1 second')) * 1000)::float8 AS "lastEnd"
             FROM interval_reading r
             WHERE r.usage_point_id = k.up AND r.meter_reading_id = k.mr
               AND r.start >= e.edges[1] AND r.start < e.edges[cardinality(e.edges)]
             GROUP BY 1) a`,
          params,
        )) as (BucketSums & { ord: number })[];
        return groupByOrdinal(keys.length, rows);
      },
      { cacheKeyFn: (k) => `${k.usagePointId}|${k.meterReadingId}|${k.edges.join(',')}` },
    );
    // Packed with concat_ws, which leaves out a null: the cost, the one nullable field, comes last. Instants cost
    // PostgreSQL more to compute than the rest of a row, so they come only for completeness(), which shows them.
    const rollup = (table: 'usage_daily' | 'usage_monthly', period: string, extent: boolean) => {
      const fields = `d.${period} - DATE '1970-01-01', d.value_sum, d.readings, d.estimated, ${
        extent
          ? '(extract(epoch FROM d.first_start) * 1000)::bigint, (extract(epoch FROM d.last_end) * 1000)::bigint, '
          : ''
      }d.cost_sum`;
      return new DataLoader<RollupRequest, PackedRollups, string>(
        async (keys) => {
          // One series (nearly every request) plans and runs as a plain index range; several go through unnest.
          if (keys.length === 1) {
            const [{ usagePointId, meterReadingId, fromDate, toDate }] = keys;
            const [row] = await preparedRows<{ packed: PackedRollups | null }>(
              db,
              `SELECT string_agg(concat_ws(',', ${fields}), ';') AS packed FROM ${table} d
               WHERE d.usage_point_id = $1 AND d.meter_reading_id = $2 AND d.${period} >= $3 AND d.${period} < $4`,
              [usagePointId, meterReadingId, fromDate, toDate],
            );
            return [row.packed ?? ''];
          }
          const params = unnestColumns(keys, [
            (k) => k.usagePointId,
            (k) => k.meterReadingId,
            (k) => k.fromDate,
            (k) => k.toDate,
          ]);
          const rows = await preparedRows<{ ord: number; packed: PackedRollups }>(
            db,
            `SELECT k.ord, string_agg(concat_ws(',', ${fields}), ';') AS packed
             FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::date[], $5::date[]) AS k(ord, up, mr, f, t)
             JOIN ${table} d ON d.usage_point_id = k.up AND d.meter_reading_id = k.mr AND d.${period} >= k.f AND d.${period} < k.t
             GROUP BY k.ord`,
            params,
          );
          const packed: PackedRollups[] = keys.map(() => '');
          for (const row of rows) packed[row.ord] = row.packed;
          return packed;
        },
        { cacheKeyFn: (k) => `${k.usagePointId}|${k.meterReadingId}|${k.fromDate}|${k.toDate}` },
      );
    };
    this.daily = rollup('usage_daily', 'local_date', false);
    this.dailyWithExtent = rollup('usage_daily', 'local_date', true);
    this.monthly = rollup('usage_monthly', 'local_month', false);
    this.readings = new DataLoader(
      async (keys) => {
        const params = unnestColumns(keys, [
          (k) => k.usagePointId,
          (k) => k.meterReadingId,
          (k) => k.from,
          (k) => k.to,
          (k) => k.after,
          (k) => k.before,
          (k) => k.backward,
          (k) => k.limit,
        ]);
        // Each direction its own index scan: the branch a key does not take stops at its one-time filter.
        const readings = (order: 'ASC' | 'DESC', backward: string) => `SELECT usage_point_id::text AS "usagePointId",
               meter_reading_id::text AS "meterReadingId", start, duration, value::text AS value, cost::text AS cost, quality
             FROM interval_reading
             WHERE ${backward} AND usage_point_id = k.up AND meter_reading_id = k.mr AND start >= k.lo AND start < k.hi
               AND (k.after IS NULL OR start > k.after) AND (k.before IS NULL OR start < k.before)
             ORDER BY start ${order} LIMIT k.lim`;
        const rows = (await preparedRows(
          db,
          `SELECT k.ord, r.*
           FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[],
             $8::boolean[], $9::int[]) AS k(ord, up, mr, lo, hi, after, before, backward, lim)
           CROSS JOIN LATERAL ((${readings('ASC', 'NOT k.backward')}) UNION ALL (${readings('DESC', 'k.backward')})) r
           ORDER BY k.ord, CASE WHEN k.backward THEN r.start END DESC, r.start`,
          params,
        )) as (ReadingRow & { ord: number })[];
        return groupByOrdinal(keys.length, rows);
      },
      {
        cacheKeyFn: (k) =>
          `${k.usagePointId}|${k.meterReadingId}|${k.from.getTime()}|${k.to.getTime()}|${k.after?.getTime()}|${k.before?.getTime()}|${k.backward}|${k.limit}`,
      },
    );
    this.readingCounts = new DataLoader(
      async (keys) => {
        const rows = (await db.query(
          `SELECT k.ord, (SELECT count(*)::int FROM interval_reading r
               WHERE r.usage_point_id = k.up AND r.meter_reading_id = k.mr AND r.start >= k.lo AND r.start < k.hi) AS count
           FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::timestamptz[]) AS k(ord, up, mr, lo, hi)`,
          unnestColumns(keys, [(k) => k.usagePointId, (k) => k.meterReadingId, (k) => k.from, (k) => k.to]),
        )) as { ord: number; count: number }[];
        const counts = keys.map(() => 0);
        for (const { ord, count } of rows) counts[ord] = count;
        return counts;
      },
      { cacheKeyFn: (k) => `${k.usagePointId}|${k.meterReadingId}|${k.from.getTime()}|${k.to.getTime()}` },
    );
    this.latestEnd = new DataLoader(async (meterReadingIds) => {
      const rows = (await preparedRows(
        db,
        `SELECT k.ord, l.end
         FROM unnest($1::int[], $2::bigint[]) AS k(ord, mr)
         JOIN meter_reading m ON m.id = k.mr
         CROSS JOIN LATERAL (
           SELECT r.start + r.duration * interval '1 second' AS end FROM interval_reading r
           WHERE r.usage_point_id = m.usage_point_id AND r.meter_reading_id = m.id ORDER BY r.start DESC LIMIT 1) l`,
        unnestColumns(meterReadingIds, [(id) => id]),
      )) as { ord: number; end: Date }[];
      const ends: (Date | null)[] = meterReadingIds.map(() => null);
      for (const { ord, end } of rows) ends[ord] = end;
      return ends;
    });
  }
}
