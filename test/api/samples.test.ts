import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logger';
import { importFile } from '../../src/services/import/import-file';
import { samplePath } from '../espi/support';
import { openApiDatabase, type ApiDatabase } from './support/database';
import { checkEverySeries } from './support/series-check';

// The shared ESPI samples loaded through the import service: for every series, the API's daily and monthly figures
// (from the loader's rollups) equal the raw path's and PostgreSQL's own per-local-period sums of the readings, in the
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
      const result = await importFile(api.db, {
        path,
        source: 'cli',
        fallbackZone: 'America/New_York',
        logger: createLogger('silent'),
      });
      assert.equal(result.status, 'loaded', JSON.stringify(result.errors));
      assert.ok(
        (await checkEverySeries(api.db, [result.batchId as string], ['Europe/Berlin', 'Australia/Sydney'], file)) > 0,
      );
    });
  }
});
