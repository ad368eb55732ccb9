import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logger';
import { toGlobalId } from '../../src/services/access/global-id';
import { formatScaled } from '../../src/services/usage/decimal';
import { valueExponent } from '../../src/services/usage/reading-codes';
import type { UsageSeries } from '../../src/services/usage/usage.service';
import { ZoneClock } from '../../src/services/usage/zone-clock';
import { importFile } from '../../src/services/import/import-file';
import { samplePath } from '../espi/support';
import { openApiDatabase, servicesFor, type ApiDatabase } from './support/database';

// The shared ESPI samples loaded through the import service: for every series, the API's daily and monthly figures
// (from the loader's rollups) equal the raw path's and PostgreSQL's own per-local-day sums of the readings, in the
// usage point's zone and in two other zones.
const SAMPLES = [
  '15MinLP_15Days.xml',
  '1hrLP_32Days.xml',
  'Coastal_Multi_Family_12hr_Jan_1_2011_to_Jan_1_2012_RetailCustomer_3.xml',
  'TestGBDataOneYearDailyBinnedMonthly.xml',
  'ngma_natural_gas_billing_billing_data_Service_1_1_2021-05-26_to_2024-04-25.xml',
  'pge_electric_interval_data_2011-03-07_to_2012-04-07.xml',
  'test_usage_data.xml',
];
const OTHER_ZONES = ['Europe/Berlin', 'Australia/Sydney'];

interface SeriesRow {
  usagePointId: string;
  meterReadingId: string;
  zone: string;
  uom: number | null;
  multiplier: number | null;
  firstDay: string;
  lastDay: string;
}

describe('usage() over the shared ESPI samples loaded by the import service', { timeout: 600_000 }, () => {
  let api: ApiDatabase;
  before(async () => {
    api = await openApiDatabase('api_samples');
  });
  after(() => api.close());

  for (const file of SAMPLES) {
    it(`${file}: every local day and month matches the readings`, async (t) => {
      const path = samplePath(file);
      if (!path) return t.skip(`${file}: not in test/fixtures and ../shared is not present`);
      const result = await importFile(api.db, { path, source: 'cli', fallbackZone: 'America/New_York', logger: createLogger('silent') });
      assert.equal(result.status, 'loaded', JSON.stringify(result.errors));
      const series = (await api.db.query(
        `SELECT m.usage_point_id::text AS "usagePointId", m.id::text AS "meterReadingId", coalesce(u.time_zone, 'UTC') AS zone,
           rt.uom, rt.power_of_ten_multiplier AS multiplier,
           (min(r.start) AT TIME ZONE coalesce(u.time_zone, 'UTC'))::date::text AS "firstDay",
           (max(r.start) AT TIME ZONE coalesce(u.time_zone, 'UTC'))::date::text AS "lastDay"
         FROM meter_reading m JOIN usage_point u ON u.id = m.usage_point_id JOIN reading_type rt ON rt.id = m.reading_type_id
         JOIN interval_reading r ON r.meter_reading_id = m.id AND r.usage_point_id = m.usage_point_id
         WHERE r.batch_id = $1 GROUP BY 1, 2, 3, 4, 5`,
        [result.batchId],
      )) as SeriesRow[];
      assert.ok(series.length > 0);
      for (const s of series) {
        const [{ from, to }] = (await api.db.query(
          `SELECT ($1::date)::timestamp AT TIME ZONE $3 AS from, ($2::date + 1)::timestamp AT TIME ZONE $3 AS to`,
          [s.firstDay, s.lastDay, s.zone],
        )) as { from: Date; to: Date }[];
        const services = servicesFor(api.db);
        const query = { from, to, meterReading: toGlobalId('MeterReading', s.meterReadingId) };
        const checks: [string, 'DAY' | 'MONTH'][] = [[s.zone, 'DAY'], [s.zone, 'MONTH'], ...OTHER_ZONES.map((z): [string, 'DAY'] => [z, 'DAY'])];
        for (const [zone, resolution] of checks) {
          const name = `${file} series ${s.meterReadingId} ${resolution} in ${zone}`;
          const auto = (await services.usage.usage(s.usagePointId, { ...query, resolution, timeZone: zone }, ['usage'])) as UsageSeries;
          assert.deepEqual(auto, await services.usage.usage(s.usagePointId, { ...query, resolution, timeZone: zone }, ['usage'], 'raw'), name);
          const unit = resolution === 'DAY' ? 'day' : 'month';
          const rows = (await api.db.query(
            `SELECT date_trunc('${unit}', start AT TIME ZONE $2)::date::text AS period, sum(value)::text AS value, count(*)::int AS readings
             FROM interval_reading WHERE meter_reading_id = $1 AND start >= $3 AND start < $4 GROUP BY 1 ORDER BY 1`,
            [s.meterReadingId, zone, from, to],
          )) as { period: string; value: string; readings: number }[];
          const exponent = valueExponent(s.uom, s.multiplier);
          const clock = new ZoneClock(zone, from.getTime(), to.getTime());
          const fromApi = auto.buckets
            .filter((b) => b.readings > 0)
            .map((b) => {
              const local = clock.localDate(b.start.getTime());
              return { period: resolution === 'DAY' ? local : `${local.slice(0, 7)}-01`, value: b.value, readings: b.readings };
            });
          // A bucket clipped at `from` in another zone starts mid-period but still belongs to that local period.
          assert.deepEqual(fromApi, rows.map((r) => ({ period: r.period, value: formatScaled(BigInt(r.value), exponent), readings: r.readings })), name);
        }
      }
    });
  }
});
