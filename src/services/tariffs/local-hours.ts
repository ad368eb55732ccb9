import type { DataSource } from 'typeorm';
import { preparedRows } from '../../db/prepared';

// Readings summed per local hour, the unit a tariff's periods are drawn in. Grouped by the UTC hour too, so the two
// 01:00 hours of a fall-back night stay apart, and zones half an hour off UTC split a UTC hour at the local one.

export interface LocalHour {
  /** Epoch ms of the first reading of the group: which bucket and which tariff version. */
  at: number;
  month: number;
  hour: number;
  /** ISO day of week 1–7 (Monday 1). */
  isoDay: number;
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  value: string;
  cost: string | null;
}

const LOCAL_HOURS = `
SELECT (extract(epoch FROM min(start)) * 1000)::float8 AS at, to_char(l, 'YYYY-MM-DD MM HH24 ID') AS local,
       sum(value)::text AS value, sum(cost)::text AS cost
  FROM (SELECT start, value, cost, date_trunc('hour', start AT TIME ZONE $5) AS l
          FROM interval_reading
         WHERE usage_point_id = $1 AND meter_reading_id = $2 AND start >= $3 AND start < $4) r
 GROUP BY date_trunc('hour', start), l
 ORDER BY 1`;

export async function localHours(
  db: DataSource,
  series: { usagePointId: string; meterReadingId: string },
  from: Date,
  to: Date,
  zone: string,
): Promise<LocalHour[]> {
  const rows = await preparedRows<{ at: number; local: string; value: string; cost: string | null }>(db, LOCAL_HOURS, [
    series.usagePointId,
    series.meterReadingId,
    from,
    to,
    zone,
  ]);
  return rows.map(({ at, local, value, cost }) => ({
    at,
    date: local.slice(0, 10),
    month: Number(local.slice(11, 13)),
    hour: Number(local.slice(14, 16)),
    isoDay: Number(local.slice(17)),
    value,
    cost,
  }));
}
