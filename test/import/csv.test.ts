import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDataSource } from '../../src/db/data-source';
import { runMigrations } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';
import { importFile } from '../../src/services/import/import-file';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixturesDir, sharedDir } from '../support/paths';
import type { DataSource } from 'typeorm';

const logger = createLogger('warn');

async function totalsByFlow(dataSource: DataSource) {
  const rows = (await dataSource.query(
    `SELECT rt.flow_direction AS flow, count(*)::int AS readings, sum(r.value)::text AS total, rt.power_of_ten_multiplier AS multiplier, rt.uom
       FROM interval_reading r JOIN meter_reading m ON m.id = r.meter_reading_id JOIN reading_type rt ON rt.id = m.reading_type_id
      GROUP BY 1, 4, 5 ORDER BY 1`,
  )) as { flow: number; readings: number; total: string; multiplier: number; uom: number }[];
  return rows;
}

describe('Green Button CSV through the loader', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  before(async () => {
    db = await createTestDatabase('csv');
    dataSource = createDataSource(db.url);
    await dataSource.initialize();
    await runMigrations(dataSource, logger);
  });
  after(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('loads the SCE net-metering sample as delivered and received series in the given zone', async (t) => {
    if (!sharedDir) return t.skip('../shared not present: SCE-NEMFILE.sample may not be copied into the repository');
    const path = join(sharedDir, 'data', 'espi', 'samples', 'SCE-NEMFILE.sample');
    const result = await importFile(dataSource, { path, source: 'file', fallbackZone: 'America/Los_Angeles', logger });
    assert.equal(result.status, 'loaded', result.errors.join('\n'));
    // From the samples README: 1632 rows per section, 733.27 kWh delivered and 303.49 kWh received, in Wh here.
    assert.deepEqual(await totalsByFlow(dataSource), [
      { flow: 1, readings: 1632, total: '733270', multiplier: 0, uom: 72 },
      { flow: 19, readings: 1632, total: '303490', multiplier: 0, uom: 72 },
    ]);
    const [{ zone }] = await dataSource.query(`SELECT DISTINCT time_zone AS zone FROM usage_point`);
    assert.equal(zone, 'America/Los_Angeles');
    const again = await importFile(dataSource, { path, source: 'file', fallbackZone: 'America/Los_Angeles', logger });
    assert.equal(again.inserted + again.updated, 0);
  });

  it('refuses the rows of the skipped spring-forward hour and says so, loading the rest', async () => {
    const path = join(fixturesDir, 'espi', 'csv', 'dst-los-angeles.csv');
    const result = await importFile(dataSource, {
      path,
      source: 'file',
      fallbackZone: 'America/Los_Angeles',
      logger,
      sourceSystem: 'csv-fixture',
    });
    assert.equal(result.status, 'loaded', result.errors.join('\n'));
    assert.ok(
      result.errors.some((e) => e.startsWith('csv-local-time-skipped')),
      result.errors.join('\n'),
    );
    const rows = (await dataSource.query(
      `SELECT sum(r.value)::int AS total FROM interval_reading r JOIN usage_point u ON u.id = r.usage_point_id
        WHERE u.source_system = 'csv-fixture' GROUP BY r.meter_reading_id ORDER BY 1`,
    )) as { total: number }[];
    assert.deepEqual(
      rows.map((r) => r.total),
      [102, 900],
    );
  });

  it('loads PG&E gas as therms with its costs, the fall-back day 25 hours long', async () => {
    const path = join(fixturesDir, 'espi', 'csv', 'pge-gas.csv');
    const result = await importFile(dataSource, {
      path,
      source: 'file',
      fallbackZone: 'America/Los_Angeles',
      logger,
      sourceSystem: 'csv-pge-gas',
    });
    assert.equal(result.status, 'loaded', result.errors.join('\n'));
    assert.deepEqual(result.errors, []);
    const rows = (await dataSource.query(
      `SELECT r.value::int AS value, r.cost::int AS cost, r.duration AS seconds, rt.uom, rt.power_of_ten_multiplier AS multiplier
         FROM interval_reading r JOIN usage_point u ON u.id = r.usage_point_id
         JOIN meter_reading m ON m.id = r.meter_reading_id JOIN reading_type rt ON rt.id = m.reading_type_id
        WHERE u.source_system = 'csv-pge-gas' ORDER BY r.start`,
    )) as { value: number; cost: number; seconds: number; uom: number; multiplier: number }[];
    // 1.02, 1.53 and 0.98 therms at $2.10, $3.15 and $2.02 (cost in 10^-5 dollars).
    assert.deepEqual(rows, [
      { value: 1020, cost: 210_000, seconds: 86_400, uom: 169, multiplier: -3 },
      { value: 1530, cost: 315_000, seconds: 90_000, uom: 169, multiplier: -3 },
      { value: 980, cost: 202_000, seconds: 86_400, uom: 169, multiplier: -3 },
    ]);
  });

  it('refuses a row without a length (a zero SDG&E Duration) instead of failing the load, and loads the rest', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'csv-zero-')), 'zero-length.csv');
    const rows = [
      'UOM,kWh',
      'Meter Number,Date,Start Time,Duration,Consumption',
      '"9","1/2/2024","12:00 AM","0","1.0"',
      '"9","1/2/2024","1:00 AM","60","2.0"',
    ];
    writeFileSync(path, rows.join('\n'));
    const result = await importFile(dataSource, {
      path,
      source: 'file',
      fallbackZone: 'America/Los_Angeles',
      logger,
      sourceSystem: 'csv-zero',
    });
    assert.equal(result.status, 'loaded', result.errors.join('\n'));
    assert.match(result.errors.join('\n'), /reading-no-duration/);
    const [{ n }] = await dataSource.query(
      `SELECT count(*)::int AS n FROM interval_reading r JOIN usage_point u ON u.id = r.usage_point_id WHERE u.source_system = 'csv-zero'`,
    );
    assert.equal(n, 1);
  });
});
