import type { DataSource } from 'typeorm';
import type { RangeFilter } from './queries';

/** What naming one usage point costs, as a usage series does in GraphQL (src/schema/complexity.ts). */
const USAGE_POINT_COST = 10;

export interface CostedRead extends Pick<RangeFilter, 'from' | 'to'> {
  /** Database ids of the usage points read. */
  usagePointIds: readonly string[];
  /** Only this series (database id of the meter reading). */
  meterReadingId?: string;
  /** Whether the readings are streamed, or only the usage points and series that hold them. */
  readings: boolean;
}

/**
 * The budget points a read of readings costs before a byte of it is streamed, priced as GraphQL prices usage: per
 * usage point, plus one per local day of each series in the range that has readings (one IntervalBlock of an ESPI
 * feed, one DAY bucket of GraphQL), counted from the daily rollups. A full history costs what it streams, not what
 * its open range would imply.
 */
export async function readCost(db: DataSource, read: CostedRead): Promise<number> {
  const base = USAGE_POINT_COST * read.usagePointIds.length;
  if (!read.readings || read.usagePointIds.length === 0) return base;
  const [{ days }] = (await db.query(
    `SELECT count(*)::int AS days FROM usage_daily
      WHERE usage_point_id = ANY($1::bigint[]) AND ($2::bigint IS NULL OR meter_reading_id = $2)
        AND last_end > coalesce($3::timestamptz, '-infinity') AND first_start < coalesce($4::timestamptz, 'infinity')`,
    [read.usagePointIds, read.meterReadingId ?? null, read.from ?? null, read.to ?? null],
  )) as { days: number }[];
  return base + days;
}
