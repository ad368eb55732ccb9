import type { PoolClient } from 'pg';
import type { BlockOwner } from './readings';
import type { StagedBlock } from './staging';

// A first load's daily rollups from the staging writer's per-block sums instead of the readings: custodians write one
// IntervalBlock per local day, so a block usually lies within one day and its sums are that day's share. The local
// midnights come from PostgreSQL (`day::timestamp AT TIME ZONE tz`, as the SQL rollups bound days), so a block is
// assigned to exactly the day SQL would give each of its readings; Node only adds.

export interface OwnedBlocks {
  owners: BlockOwner[];
  blocks: Map<number, StagedBlock>;
}

interface DaySums {
  value: bigint;
  cost: bigint;
  costs: number;
  first: number;
  lastEnd: number;
  readings: number;
  estimated: number;
}

interface Series {
  usagePointId: string;
  firstDay: string;
  /** Epoch seconds of local midnight of firstDay + i, up to the day after the last. */
  midnights: number[];
  days: Map<number, DaySums>;
  /** A block straddles a midnight, or its sums are not exact: this series is left to SQL. */
  bySql: boolean;
}

/** The i with midnights[i] <= t < midnights[i + 1], or -1. */
function dayOf(midnights: number[], t: number): number {
  let lo = 0;
  let hi = midnights.length - 2;
  if (hi < 0 || t < midnights[0] || t >= midnights[hi + 1]) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (midnights[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function addBlock(series: Series, block: StagedBlock) {
  const i = dayOf(series.midnights, block.first);
  if (i < 0 || block.last >= series.midnights[i + 1] || !block.sums.exact) {
    series.bySql = true;
    return;
  }
  const { sums } = block;
  const day = series.days.get(i);
  if (!day) {
    series.days.set(i, {
      value: BigInt(sums.value),
      cost: BigInt(sums.cost),
      costs: sums.costs,
      first: block.first,
      lastEnd: sums.lastEnd,
      readings: block.readings,
      estimated: sums.estimated,
    });
    return;
  }
  day.value += BigInt(sums.value);
  day.cost += BigInt(sums.cost);
  day.costs += sums.costs;
  day.first = Math.min(day.first, block.first);
  day.lastEnd = Math.max(day.lastEnd, sums.lastEnd);
  day.readings += block.readings;
  day.estimated += sums.estimated;
}

const plusDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Writes usage_daily for the series of import_rollup_span whose blocks each lie within one local day, and returns
 * the meter reading ids of the others (their days are left to the SQL over the readings). `expected` is the SQL
 * rollups' own expression, given the same day bounds.
 */
export async function dailyFromBlocks(
  client: PoolClient,
  { owners, blocks }: OwnedBlocks,
  expected: (from: string, to: string) => string,
  onChange: string,
): Promise<string[]> {
  const { rows } = await client.query<{
    usage_point_id: string;
    meter_reading_id: string;
    first_day: string;
    midnights: string[];
  }>(
    `SELECT b.usage_point_id, b.meter_reading_id, b.first_day::text AS first_day,
            array_agg(extract(epoch FROM d::timestamp AT TIME ZONE b.tz)::bigint ORDER BY d) AS midnights
       FROM import_rollup_span b CROSS JOIN LATERAL generate_series(b.first_day, b.last_day + 1, interval '1 day') d
      GROUP BY b.usage_point_id, b.meter_reading_id, b.first_day`,
  );
  const series = new Map<string, Series>(
    rows.map((r) => [
      r.meter_reading_id,
      {
        usagePointId: r.usage_point_id,
        firstDay: r.first_day,
        midnights: r.midnights.map(Number),
        days: new Map(),
        bySql: false,
      },
    ]),
  );
  for (const owner of owners) {
    const block = blocks.get(owner.block);
    const s = series.get(owner.meterReadingId);
    if (block && s && !s.bySql) addBlock(s, block);
  }
  const columns: (string | number | null)[][] = Array.from({ length: 9 }, () => []);
  for (const [meterReadingId, s] of series) {
    if (s.bySql) continue;
    for (const [i, d] of s.days) {
      const row = [
        s.usagePointId,
        meterReadingId,
        plusDays(s.firstDay, i),
        String(d.value),
        d.costs ? String(d.cost) : null,
        d.first,
        d.lastEnd,
        d.readings,
        d.estimated,
      ];
      row.forEach((v, c) => columns[c].push(v));
    }
  }
  if (columns[0].length) {
    await client.query(
      `INSERT INTO usage_daily AS d (usage_point_id, meter_reading_id, local_date, value_sum, cost_sum, first_start, last_end,
                                     readings, estimated, expected)
       SELECT k.usage_point_id, k.meter_reading_id, k.day, k.value_sum, k.cost_sum, to_timestamp(k.first_start),
              to_timestamp(k.last_end), k.readings, k.estimated,
              ${expected('k.day::timestamp AT TIME ZONE b.tz', '(k.day + 1)::timestamp AT TIME ZONE b.tz')}
         FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::int[], $9::int[])
              AS k (usage_point_id, meter_reading_id, day, value_sum, cost_sum, first_start, last_end, readings, estimated)
         JOIN import_rollup_span b ON b.meter_reading_id = k.meter_reading_id
       ${onChange}`,
      columns,
    );
  }
  return [...series].filter(([, s]) => s.bySql).map(([id]) => id);
}
