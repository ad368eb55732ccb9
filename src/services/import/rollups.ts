import type { PoolClient } from 'pg';
import { ESTIMATED_QUALITY_MASK } from '../../entities';
import { dailyFromBlocks, type OwnedBlocks } from './block-rollups';
import type { SeriesSpan } from './readings';

/** Where a load wrote in a series: what the rollups are refreshed over. */
type SeriesWindow = Pick<SeriesSpan, 'usagePointId' | 'meterReadingId' | 'from' | 'to'>;

// Local day d of zone tz spans [d 00:00 local, d+1 00:00 local): 23 or 25 hours around DST changes. A regular series
// (an interval length that divides a day) expects round(period / interval) readings: 92 quarter-hours on a
// spring-forward day, 1 daily reading on any day. Irregular series (billing periods) expect no count.
const expected = (from: string, to: string) => `CASE WHEN b.interval_length > 0 AND 86400 % b.interval_length = 0
  THEN round(extract(epoch FROM (${to}) - (${from})) / b.interval_length)::int END`;

const FIGURES = ['value_sum', 'cost_sum', 'first_start', 'last_end', 'readings', 'estimated', 'expected'];

/** The rollup upsert's conflict clause: a row is rewritten only when one of its figures changed. */
function onChange(alias: string, period: string): string {
  return `ON CONFLICT (usage_point_id, meter_reading_id, ${period}) DO UPDATE SET
    ${FIGURES.map((f) => `${f} = EXCLUDED.${f}`).join(', ')}, updated_at = now()
    WHERE (${FIGURES.map((f) => `${alias}.${f}`).join(', ')}) IS DISTINCT FROM (${FIGURES.map((f) => `EXCLUDED.${f}`).join(', ')})`;
}

/**
 * Recomputes usage_daily for every local day of the usage point's zone that a written reading falls in, then
 * usage_monthly for the months of those days (from the daily rows, which cover every reading). Rows whose figures
 * did not change are left alone. Bumps the data version of the usage points. With `firstLoad` blocks (their series
 * had no reading before), the days of the series whose blocks each lie within a day are summed from the blocks
 * (block-rollups.ts) and only the others read back.
 */
export async function refreshRollups(
  client: PoolClient,
  spans: SeriesWindow[],
  firstLoad?: OwnedBlocks,
): Promise<{ fromBlocks: number }> {
  if (spans.length === 0) return { fromBlocks: 0 };
  await client.query(
    `CREATE TEMP TABLE import_rollup_span ON COMMIT DROP AS
     SELECT k.usage_point_id, k.meter_reading_id, coalesce(u.time_zone, 'UTC') AS tz, rt.interval_length,
            (to_timestamp(k.lo) AT TIME ZONE coalesce(u.time_zone, 'UTC'))::date AS first_day,
            (to_timestamp(k.hi) AT TIME ZONE coalesce(u.time_zone, 'UTC'))::date AS last_day
       FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS k (usage_point_id, meter_reading_id, lo, hi)
       JOIN usage_point u ON u.id = k.usage_point_id
       JOIN meter_reading m ON m.id = k.meter_reading_id
       JOIN reading_type rt ON rt.id = m.reading_type_id`,
    [
      spans.map((s) => s.usagePointId),
      spans.map((s) => s.meterReadingId),
      spans.map((s) => s.from),
      spans.map((s) => s.to),
    ],
  );
  const bySql = firstLoad && (await dailyFromBlocks(client, firstLoad, expected, onChange('d', 'local_date')));
  if (!bySql || bySql.length) {
    await client.query(
      `INSERT INTO usage_daily AS d (usage_point_id, meter_reading_id, local_date, value_sum, cost_sum, first_start, last_end,
                                   readings, estimated, expected)
     SELECT r.usage_point_id, r.meter_reading_id, (r.start AT TIME ZONE b.tz)::date AS day, sum(r.value), sum(r.cost),
            min(r.start), max(r.start + r.duration * interval '1 second'), count(*),
            count(*) FILTER (WHERE r.quality & ${ESTIMATED_QUALITY_MASK} <> 0),
            ${expected(`((r.start AT TIME ZONE b.tz)::date)::timestamp AT TIME ZONE b.tz`, `((r.start AT TIME ZONE b.tz)::date + 1)::timestamp AT TIME ZONE b.tz`)}
       FROM import_rollup_span b
       JOIN interval_reading r ON r.usage_point_id = b.usage_point_id AND r.meter_reading_id = b.meter_reading_id
        AND r.start >= b.first_day::timestamp AT TIME ZONE b.tz AND r.start < (b.last_day + 1)::timestamp AT TIME ZONE b.tz
      ${bySql ? 'WHERE b.meter_reading_id = ANY($1::bigint[])' : ''}
      GROUP BY r.usage_point_id, r.meter_reading_id, day, b.tz, b.interval_length
     ${onChange('d', 'local_date')}`,
      bySql ? [bySql] : [],
    );
  }
  await client.query(
    `INSERT INTO usage_monthly AS mo (usage_point_id, meter_reading_id, local_month, value_sum, cost_sum, first_start,
                                      last_end, readings, estimated, expected)
     SELECT d.usage_point_id, d.meter_reading_id, date_trunc('month', d.local_date)::date AS month, sum(d.value_sum),
            sum(d.cost_sum), min(d.first_start), max(d.last_end), sum(d.readings), sum(d.estimated),
            ${expected(`(date_trunc('month', d.local_date)::date)::timestamp AT TIME ZONE b.tz`, `(date_trunc('month', d.local_date)::date + interval '1 month')::timestamp AT TIME ZONE b.tz`)}
       FROM import_rollup_span b
       JOIN usage_daily d ON d.usage_point_id = b.usage_point_id AND d.meter_reading_id = b.meter_reading_id
        AND d.local_date >= date_trunc('month', b.first_day) AND d.local_date < date_trunc('month', b.last_day) + interval '1 month'
      GROUP BY d.usage_point_id, d.meter_reading_id, month, b.tz, b.interval_length
     ${onChange('mo', 'local_month')}`,
  );
  // In this transaction, so that whoever keeps answers by data version never reads the new figures under the old one.
  const usagePoints = [...new Set(spans.map((s) => s.usagePointId))].sort((a, b) => Number(BigInt(a) - BigInt(b)));
  await client.query('UPDATE usage_point SET data_version = data_version + 1 WHERE id = ANY($1::bigint[])', [
    usagePoints,
  ]);
  await client.query('DROP TABLE import_rollup_span');
  return { fromBlocks: bySql ? spans.length - bySql.length : 0 };
}
