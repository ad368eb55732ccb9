import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importFile } from '../../src/services/import/import-file';
import { feedXml, type FeedSpec } from './feed';
import { logger, openPortalTestDatabase, type PortalTestDatabase } from './support';

// Issue 19: Green Button files with colliding self hrefs or broken DST rules load, through the real import, with
// every reading stored and local days counted in the right zone.

// 2024-03-09 00:00 in New York (EST): three local days, the middle one 23 hours long (spring forward).
const MARCH_9 = Date.UTC(2024, 2, 9, 5) / 1000;
const DAYS = 96 + 92 + 96;
const dir = mkdtempSync(join(tmpdir(), 'import-gb-shapes-'));
const sum = (spec: FeedSpec, u: number, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => spec.value(u, from + i)).reduce((a, b) => a + b, 0);

describe('Green Button shapes through importFile', { timeout: 120_000 }, () => {
  let pdb: PortalTestDatabase;
  before(async () => {
    pdb = await openPortalTestDatabase();
  });
  after(async () => pdb?.close());

  async function load(name: string, xml: string) {
    const path = join(dir, name);
    writeFileSync(path, xml);
    return importFile(pdb.dataSource, { path, source: 'cli', logger });
  }

  const days = (usagePoint: string) =>
    pdb.dataSource.query(
      `SELECT d.local_date::text AS day, d.readings, d.value_sum::int AS sum FROM usage_daily d
         JOIN meter_reading m ON m.id = d.meter_reading_id JOIN usage_point u ON u.id = m.usage_point_id
        WHERE u.external_id = $1 ORDER BY d.local_date`,
      [usagePoint],
    );

  it('truncated DST rules: the usage point is stored in America/New_York and its local days come out right', async () => {
    const spec: FeedSpec = {
      usagePoints: [1],
      start: MARCH_9,
      count: DAYS,
      value: (u, n) => 100 + ((n * 37 + u) % 50),
    };
    const result = await load(
      'truncated-rules.xml',
      feedXml(spec).replace('<dstStartRule>360E2000</dstStartRule>', '<dstStartRule>360E</dstStartRule>'),
    );
    assert.equal(result.status, 'loaded');
    assert.equal(result.inserted, DAYS);
    assert.ok(
      result.warnings.some((w) => /dst-rule-truncated.*local days use America\/New_York/.test(w)),
      result.warnings.join('\n'),
    );
    const [{ time_zone }] = await pdb.dataSource.query(
      `SELECT time_zone FROM usage_point WHERE external_id = '/RetailCustomer/1/UsagePoint/1'`,
    );
    assert.equal(time_zone, 'America/New_York');
    assert.deepEqual(await days('/RetailCustomer/1/UsagePoint/1'), [
      { day: '2024-03-09', readings: 96, sum: sum(spec, 1, 0, 96) },
      { day: '2024-03-10', readings: 92, sum: sum(spec, 1, 96, 188) },
      { day: '2024-03-11', readings: 96, sum: sum(spec, 1, 188, DAYS) },
    ]);
  });

  it('two ReadingTypes under one self href: the readings are stored under the one whose intervalLength they have', async () => {
    const spec: FeedSpec = { usagePoints: [2], start: MARCH_9, count: DAYS, value: (u, n) => 7 + ((n * 13 + u) % 40) };
    // An hourly received ReadingType listed first under the same self href: "the first kept" would store the
    // quarter-hour readings as hourly received energy.
    const impostor = `<entry><id>urn:x:impostor</id><link rel="self" href="/ReadingType/1"/><link rel="up" href="/ReadingType"/><content><ReadingType xmlns="http://naesb.org/espi"><flowDirection>19</flowDirection><intervalLength>3600</intervalLength><powerOfTenMultiplier>0</powerOfTenMultiplier><uom>72</uom></ReadingType></content></entry>\n`;
    const xml = feedXml(spec).replace(
      '<entry><id>urn:x:/ReadingType/1</id>',
      `${impostor}<entry><id>urn:x:/ReadingType/1</id>`,
    );
    const result = await load('colliding-reading-types.xml', xml);
    assert.equal(result.status, 'loaded');
    assert.deepEqual(result.errors, []);
    assert.equal(result.inserted, DAYS);
    assert.ok(
      result.warnings.some((w) =>
        /collision-resolved.*the one at line \d+ is used, the one that has the intervalLength of the readings/.test(w),
      ),
      result.warnings.join('\n'),
    );
    const rows = await pdb.dataSource.query(
      `SELECT rt.flow_direction, rt.interval_length, count(*)::int AS readings, sum(r.value)::int AS total
         FROM interval_reading r JOIN meter_reading m ON m.id = r.meter_reading_id JOIN reading_type rt ON rt.id = m.reading_type_id
         JOIN usage_point u ON u.id = m.usage_point_id
        WHERE u.external_id = '/RetailCustomer/2/UsagePoint/1' GROUP BY 1, 2`,
    );
    assert.deepEqual(rows, [{ flow_direction: 1, interval_length: 900, readings: DAYS, total: sum(spec, 2, 0, DAYS) }]);
  });

  it('two usage points under one self href: both stored, each with its own readings, and a reload changes nothing', async () => {
    const spec: FeedSpec = { usagePoints: [3], start: MARCH_9, count: 96, value: (_u, n) => 10 + (n % 7) };
    const xml = feedXml(spec);
    // The same usage point href, meter reading and block hrefs and instants again, but for a gas service with other
    // values: a batch feed numbering usage points per customer.
    const first = xml.indexOf('<entry><id>urn:x:/RetailCustomer/3/UsagePoint/1</id>');
    const second = xml
      .slice(first, xml.indexOf('</feed>'))
      .replace('<kind>0</kind>', '<kind>1</kind>')
      .replace(/<value>(\d+)<\/value>/g, (_, v) => `<value>${Number(v) * 100}</value>`);
    const result = await load('colliding-usage-points.xml', xml.replace('</feed>', `${second}</feed>`));
    assert.equal(result.status, 'loaded');
    assert.deepEqual(result.errors, []);
    assert.equal(result.inserted, 2 * 96);
    const stored = () =>
      pdb.dataSource.query(
        `SELECT u.external_id, u.service_category_kind AS kind, count(*)::int AS readings, sum(r.value)::int AS total
           FROM interval_reading r JOIN usage_point u ON u.id = r.usage_point_id
          WHERE u.external_id LIKE '/RetailCustomer/3/%' GROUP BY 1, 2 ORDER BY 1`,
      );
    const total = sum(spec, 3, 0, 96);
    assert.deepEqual(await stored(), [
      { external_id: '/RetailCustomer/3/UsagePoint/1', kind: 0, readings: 96, total },
      { external_id: '/RetailCustomer/3/UsagePoint/1(2)', kind: 1, readings: 96, total: total * 100 },
    ]);
    const again = await importFile(pdb.dataSource, {
      path: join(dir, 'colliding-usage-points.xml'),
      source: 'cli',
      force: true,
      logger,
    });
    assert.deepEqual([again.status, again.inserted, again.updated], ['loaded', 0, 0]);
    assert.equal((await stored()).length, 2);
  });
});
