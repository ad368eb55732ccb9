import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { toGlobalId } from '../../../src/services/access/global-id';
import { formatScaled } from '../../../src/services/usage/decimal';
import { Resolution } from '../../../src/services/usage/periods';
import { valueExponent } from '../../../src/services/usage/reading-codes';
import type { UsageSeries } from '../../../src/services/usage/usage.service';
import { ZoneClock } from '../../../src/services/usage/zone-clock';
import { servicesFor } from './database';

interface SeriesRow {
  usagePointId: string;
  meterReadingId: string;
  zone: string;
  uom: number | null;
  multiplier: number | null;
  firstDay: string;
  lastDay: string;
}

/**
 * For every series with readings from `batchIds` (null: every series): usage() per local day and month over the
 * series' whole span, in its usage point's zone and in `otherZones`, is the same from rollups and from readings, and
 * equals PostgreSQL's own sums per local period. Returns the number of series checked.
 */
export async function checkEverySeries(
  db: DataSource,
  batchIds: string[] | null,
  otherZones: readonly string[],
  label: string,
): Promise<number> {
  const series = (await db.query(
    `SELECT m.usage_point_id::text AS "usagePointId", m.id::text AS "meterReadingId", coalesce(u.time_zone, 'UTC') AS zone,
       rt.uom, rt.power_of_ten_multiplier AS multiplier,
       (min(r.start) AT TIME ZONE coalesce(u.time_zone, 'UTC'))::date::text AS "firstDay",
       (max(r.start) AT TIME ZONE coalesce(u.time_zone, 'UTC'))::date::text AS "lastDay"
     FROM meter_reading m JOIN usage_point u ON u.id = m.usage_point_id JOIN reading_type rt ON rt.id = m.reading_type_id
     JOIN interval_reading r ON r.meter_reading_id = m.id AND r.usage_point_id = m.usage_point_id
     WHERE $1::bigint[] IS NULL OR r.batch_id = ANY($1::bigint[]) GROUP BY 1, 2, 3, 4, 5`,
    [batchIds],
  )) as SeriesRow[];
  for (const s of series) {
    const [{ from, to }] = (await db.query(
      `SELECT ($1::date)::timestamp AT TIME ZONE $3 AS from, ($2::date + 1)::timestamp AT TIME ZONE $3 AS to`,
      [s.firstDay, s.lastDay, s.zone],
    )) as { from: Date; to: Date }[];
    const services = servicesFor(db);
    const query = { from, to, meterReading: toGlobalId('MeterReading', s.meterReadingId) };
    const checks: [string, Resolution.DAY | Resolution.MONTH][] = [
      [s.zone, Resolution.DAY],
      [s.zone, Resolution.MONTH],
      ...otherZones.map((z): [string, Resolution.DAY] => [z, Resolution.DAY]),
    ];
    for (const [zone, resolution] of checks) {
      const name = `${label}: series ${s.meterReadingId} ${resolution} in ${zone}`;
      const auto = (await services.usage.usage(s.usagePointId, {
        ...query,
        resolution,
        timeZone: zone,
      })) as UsageSeries;
      assert.deepEqual(
        auto,
        await services.usage.usage(s.usagePointId, { ...query, resolution, timeZone: zone }, 'raw'),
        name,
      );
      const rows = (await db.query(
        `SELECT date_trunc('${resolution === 'DAY' ? 'day' : 'month'}', start AT TIME ZONE $2)::date::text AS period, sum(value)::text AS value,
           count(*)::int AS readings
         FROM interval_reading WHERE meter_reading_id = $1 AND start >= $3 AND start < $4 GROUP BY 1 ORDER BY 1`,
        [s.meterReadingId, zone, from, to],
      )) as { period: string; value: string; readings: number }[];
      const exponent = valueExponent(s.uom, s.multiplier);
      const clock = new ZoneClock(zone, from.getTime(), to.getTime());
      // A bucket clipped at `from` in another zone starts mid-period but belongs to the local period it starts in.
      const fromApi = auto.buckets
        .filter((b) => b.readings > 0)
        .map((b) => {
          const local = clock.localDate(b.start.getTime());
          return {
            period: resolution === 'DAY' ? local : `${local.slice(0, 7)}-01`,
            value: b.value,
            readings: b.readings,
          };
        });
      assert.deepEqual(
        fromApi,
        rows.map((r) => ({ period: r.period, value: formatScaled(BigInt(r.value), exponent), readings: r.readings })),
        name,
      );
    }
  }
  return series.length;
}
