import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collectParsedFeed, parseEspiAtomFile } from '../../src/espi';
import { importFile } from '../../src/services/import/import-file';
import { samplePath } from '../espi/support';
import { logger, openPortalTestDatabase, snapshot, type PortalTestDatabase } from './support';

// Every shared sample: what the database holds after a load must equal what the codec reads from the file (whose own
// figures are checked independently in test/espi/samples.test.ts), and loading it again must write nothing (forced:
// without staging a block).
const SAMPLES = [
  '15MinLP_15Days.xml',
  '1hrLP_32Days.xml',
  'Coastal_Multi_Family_12hr_Jan_1_2011_to_Jan_1_2012_RetailCustomer_3.xml',
  'Customer-Subscription-Feed-Anonymized.xml',
  'PGEReadingType.xml',
  'PGERetailCustomer.xml',
  'TestGBDataOneYearDailyBinnedMonthly.xml',
  'ngma_natural_gas_billing_billing_data_Service_1_1_2021-05-26_to_2024-04-25.xml',
  'pge_electric_interval_data_2011-03-07_to_2012-04-07.xml',
  'test_usage_data.xml',
];
const FALLBACK = 'America/New_York';

for (const file of SAMPLES) {
  describe(`import of ${file}`, { timeout: 120_000 }, () => {
    const path = samplePath(file);
    let pdb: PortalTestDatabase;
    before(async () => {
      if (path) pdb = await openPortalTestDatabase();
    });
    after(async () => pdb?.close());

    it('loads what the codec reads, with rollups that add up, and a re-import writes nothing', async (t) => {
      if (!path) return t.skip(`${file}: ../shared not present`);
      const { dataSource } = pdb;
      const { feed, readings, blockReadings } = await collectParsedFeed(
        parseEspiAtomFile(path, { fallbackZone: FALLBACK, source: 'espi' }),
      );
      const expectedCount = [...readings.values()].reduce((n, list) => n + list.length, 0);
      const expectedValue = feed.meterReadings.reduce((s, mr) => s + mr.valueTotal, 0n);
      const expectedCost = feed.meterReadings.reduce((s, mr) => s + mr.costTotal, 0n);

      const first = await importFile(dataSource, { path, source: 'cli', fallbackZone: FALLBACK, logger });
      assert.equal(first.status, 'loaded', JSON.stringify(first.errors));
      assert.deepEqual(first.errors, []);
      assert.equal(first.usagePoints, feed.usagePoints.length);
      assert.equal(first.meterReadings, feed.meterReadings.length);
      assert.equal(first.readings, expectedCount);
      assert.equal(first.inserted, expectedCount);
      assert.equal(first.updated, 0);
      assert.equal(first.unchanged, 0);

      const [stored] = await dataSource.query(
        `SELECT count(*)::int AS n, coalesce(sum(value), 0)::text AS value, coalesce(sum(cost), 0)::text AS cost FROM interval_reading`,
      );
      assert.deepEqual(stored, { n: expectedCount, value: String(expectedValue), cost: String(expectedCost) });
      for (const table of ['usage_daily', 'usage_monthly']) {
        const [rollup] = await dataSource.query(
          `SELECT coalesce(sum(readings), 0)::int AS n, coalesce(sum(value_sum), 0)::text AS value FROM ${table}`,
        );
        assert.deepEqual(rollup, { n: expectedCount, value: String(expectedValue) }, table);
      }
      const [{ summaries }] = await dataSource.query(`SELECT count(*)::int AS summaries FROM usage_summary`);
      assert.equal(summaries, feed.summaries.filter((s) => s.usagePoint && s.fields.billingPeriod).length);
      const [batch] = await dataSource.query(`SELECT id::text, status, readings, inserted, forced FROM import_batch`);
      assert.deepEqual(batch, {
        id: first.batchId,
        status: 'loaded',
        readings: expectedCount,
        inserted: expectedCount,
        forced: false,
      });

      const before = await snapshot(dataSource);
      const again = await importFile(dataSource, { path, source: 'file', fallbackZone: FALLBACK, logger });
      assert.equal(again.status, 'loaded');
      assert.equal(again.inserted, 0);
      assert.equal(again.batchId, first.batchId);
      assert.match(again.warnings.join('\n'), new RegExp(`already loaded in batch ${first.batchId}`));
      assert.deepEqual(await snapshot(dataSource), before);

      const forced = await importFile(dataSource, { path, source: 'cli', force: true, fallbackZone: FALLBACK, logger });
      assert.equal(forced.status, 'loaded');
      assert.deepEqual([forced.inserted, forced.updated, forced.unchanged], [0, 0, expectedCount]);
      // Every accepted block with a reading to store was found unchanged by its digest, so none was staged.
      const blocksWithReadings = [...blockReadings.values()].filter((list) =>
        list.some((r) => r.value !== undefined),
      ).length;
      assert.equal(forced.skippedBlocks, blocksWithReadings);
      assert.notEqual(forced.batchId, first.batchId);
      assert.deepEqual(await snapshot(dataSource), before, 'a forced reload of identical data writes no portal row');
      const batches = await dataSource.query(`SELECT status, forced FROM import_batch ORDER BY id`);
      assert.deepEqual(batches, [
        { status: 'loaded', forced: false },
        { status: 'loaded', forced: true },
      ]);
    });
  });
}
