import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectParsedFeed, parseEspiAtomFile } from '../../src/espi';
import { iso, samplePath } from './support';

/**
 * Figures derived independently of this codec (Python ElementTree over each file, see test/fixtures/espi/README.md)
 * and checked against the samples README.
 */
interface Expected {
  file: string;
  usagePoints: number;
  serviceKind?: number;
  readings: number;
  valueTotal: bigint;
  costTotal: bigint;
  uom: number;
  multiplier: number;
  flow: string;
  first: string;
  end: string;
  zone: 'LocalTimeParameters' | 'fallback';
  summaries: { billLastPeriod?: number }[];
  errors: string[];
  warnings: string[];
}

const expectations: Expected[] = [
  {
    file: '15MinLP_15Days.xml',
    usagePoints: 1,
    serviceKind: 0,
    readings: 1440,
    valueTotal: 1_103_644n,
    costTotal: 11_966_208n,
    uom: 72,
    multiplier: 0,
    flow: 'delivered',
    first: '2011-09-01T00:00:00.000Z',
    end: '2011-09-16T00:00:00.000Z',
    zone: 'fallback',
    summaries: [{ billLastPeriod: 11_627_728 }],
    errors: [],
    warnings: ['no-local-time-parameters'],
  },
  {
    file: '1hrLP_32Days.xml',
    usagePoints: 1,
    serviceKind: 0,
    readings: 768,
    valueTotal: 2_380_638n,
    costTotal: 25_284_636n,
    uom: 72,
    multiplier: 0,
    flow: 'delivered',
    first: '2011-09-01T00:00:00.000Z',
    end: '2011-10-03T00:00:00.000Z',
    zone: 'fallback',
    summaries: [{ billLastPeriod: 25_279_754 }],
    errors: [],
    warnings: ['no-local-time-parameters'],
  },
  {
    file: 'pge_electric_interval_data_2011-03-07_to_2012-04-07.xml',
    usagePoints: 1,
    serviceKind: 0,
    readings: 2015,
    valueTotal: 844_853n,
    costTotal: 0n,
    uom: 72,
    multiplier: 0,
    flow: 'unspecified',
    first: '2012-01-13T05:00:00.000Z',
    end: '2012-04-06T04:00:00.000Z',
    zone: 'fallback',
    summaries: [],
    errors: [],
    warnings: ['no-local-time-parameters'],
  },
  {
    file: 'Coastal_Multi_Family_12hr_Jan_1_2011_to_Jan_1_2012_RetailCustomer_3.xml',
    usagePoints: 1,
    serviceKind: 0,
    readings: 8760,
    valueTotal: 4_425_305n,
    costTotal: 0n,
    uom: 72,
    multiplier: 0,
    flow: 'delivered',
    first: '2011-01-01T08:00:00.000Z',
    end: '2012-01-01T08:00:00.000Z',
    zone: 'LocalTimeParameters',
    summaries: [{}],
    errors: [],
    warnings: [],
  },
  {
    file: 'TestGBDataOneYearDailyBinnedMonthly.xml',
    usagePoints: 1,
    serviceKind: 0,
    readings: 444,
    valueTotal: 9_917_817n,
    costTotal: 107_212_833n,
    uom: 72,
    multiplier: 0,
    flow: 'delivered',
    first: '2013-01-01T05:00:00.000Z',
    end: '2014-03-21T04:00:00.000Z',
    zone: 'LocalTimeParameters',
    summaries: [{ billLastPeriod: 6_752_000 }],
    errors: [],
    warnings: [],
  },
  {
    file: 'test_usage_data.xml',
    usagePoints: 1,
    serviceKind: 0,
    readings: 1340,
    valueTotal: 1_391_666n,
    costTotal: 14_999_132n,
    uom: 72,
    multiplier: 0,
    flow: 'delivered',
    first: '2012-03-01T05:00:00.000Z',
    end: '2012-03-15T04:00:00.000Z',
    zone: 'LocalTimeParameters',
    summaries: [{ billLastPeriod: 15_252_000 }],
    errors: [],
    warnings: [],
  },
  {
    file: 'ngma_natural_gas_billing_billing_data_Service_1_1_2021-05-26_to_2024-04-25.xml',
    usagePoints: 1,
    serviceKind: 1,
    readings: 35,
    valueTotal: 3_484_000n,
    costTotal: 720_711_000n,
    uom: 169,
    multiplier: -3,
    flow: 'unspecified',
    first: '2021-05-26T00:00:00.000Z',
    end: '2024-04-26T00:00:00.000Z',
    zone: 'fallback',
    summaries: [],
    errors: [],
    // Billing periods computed from local dates overlap their neighbour by the DST hour three times.
    warnings: ['no-local-time-parameters', 'reading-overlap'],
  },
];

for (const x of expectations) {
  test(`sample ${x.file}: counts, totals, unit, direction, zone`, async (t) => {
    const path = samplePath(x.file);
    if (!path) return t.skip(`${x.file}: ../shared not present`);
    const { feed, readings } = await collectParsedFeed(parseEspiAtomFile(path, { fallbackZone: 'America/New_York' }));
    assert.equal(feed.fileRejected, false);
    assert.deepEqual(codes(feed.diagnostics, 'error'), x.errors);
    assert.deepEqual(codes(feed.diagnostics, 'warning'), x.warnings);
    assert.equal(feed.usagePoints.length, x.usagePoints);
    assert.equal(feed.usagePoints[0].serviceKind, x.serviceKind);
    assert.equal(feed.usagePoints[0].zoneSource, x.zone);
    assert.equal(feed.meterReadings.length, 1);
    const mr = feed.meterReadings[0];
    const list = readings.get(mr)!;
    assert.equal(list.length, x.readings);
    assert.equal(mr.readingCount, x.readings);
    assert.equal(
      list.reduce((s, r) => s + BigInt(r.value!), 0n),
      x.valueTotal,
    );
    assert.equal(mr.valueTotal, x.valueTotal);
    assert.equal(mr.costTotal, x.costTotal);
    assert.equal(mr.readingType.uom, x.uom);
    assert.equal(mr.readingType.powerOfTenMultiplier ?? 0, x.multiplier);
    assert.equal(mr.flow, x.flow);
    assert.equal(iso(mr.firstStart), x.first);
    assert.equal(iso(mr.lastEnd), x.end);
    assert.deepEqual(
      feed.summaries.map((s) =>
        s.fields.billLastPeriod === undefined ? {} : { billLastPeriod: s.fields.billLastPeriod },
      ),
      x.summaries,
    );
    for (const s of feed.summaries) assert.ok(s.usagePoint, 'summary linked to its usage point');
  });
}

test('sample PGEReadingType.xml: 48 entries, 24 of them repeats (same self link, same content), none tied to a meter reading', async (t) => {
  const path = samplePath('PGEReadingType.xml');
  if (!path) return t.skip('PGEReadingType.xml: ../shared not present');
  const { feed } = await collectParsedFeed(parseEspiAtomFile(path, { fallbackZone: 'America/Los_Angeles' }));
  const types = feed.unusedReadingTypes.map((r) => r.fields);
  // Counted with ElementTree: 48 entries, 24 distinct (self href, content) pairs over only 3 self hrefs.
  assert.equal(types.length, 24);
  assert.equal(feed.diagnostics.filter((d) => d.code === 'duplicate-entry').length, 24);
  assert.equal(feed.diagnostics.filter((d) => d.code === 'self-link-collision').length, 21);
  assert.deepEqual([...new Set(types.map((f) => f.flowDirection))].sort(), [1, 19]);
  assert.deepEqual([...new Set(types.map((f) => f.uom))].sort(), [72, 73]);
  assert.deepEqual(
    [...new Set(types.map((f) => f.intervalLength))].sort((a, b) => a! - b!),
    [300, 900, 3600],
  );
  assert.deepEqual([...new Set(types.map((f) => f.phase))].sort(), [224, 769]);
  assert.deepEqual([...new Set(types.map((f) => f.measuringPeriod))].sort(), [2, 6, 7]);
  assert.ok(types.every((f) => f.powerOfTenMultiplier === 3 && f.defaultQuality === 17));
});

test('sample PGERetailCustomer.xml: customer feed entities', async (t) => {
  const path = samplePath('PGERetailCustomer.xml');
  if (!path) return t.skip('PGERetailCustomer.xml: ../shared not present');
  const { feed } = await collectParsedFeed(parseEspiAtomFile(path, { fallbackZone: 'America/Los_Angeles' }));
  assert.deepEqual(feed.customers.map((c) => c.kind).sort(), [
    'Customer',
    'CustomerAccount',
    'CustomerAgreement',
    'Meter',
    'ServiceLocation',
  ]);
  const customer = feed.customers.find((c) => c.kind === 'Customer')!;
  assert.equal(customer.content.children.find((c) => c.name === 'name')?.text, 'ACME INDUSTRIES');
  const meter = feed.customers.find((c) => c.kind === 'Meter')!;
  assert.equal(meter.content.children.find((c) => c.name === 'intervalLength')?.text?.trim(), '900');
  assert.equal(feed.errorCount, 0);
});

test('sample Customer-Subscription-Feed-Anonymized.xml: one Customer', async (t) => {
  const path = samplePath('Customer-Subscription-Feed-Anonymized.xml');
  if (!path) return t.skip('Customer-Subscription-Feed-Anonymized.xml: ../shared not present');
  const { feed } = await collectParsedFeed(parseEspiAtomFile(path, { fallbackZone: 'America/New_York' }));
  assert.deepEqual(
    feed.customers.map((c) => c.kind),
    ['Customer'],
  );
  assert.equal(feed.errorCount, 0);
});

function codes(diagnostics: { severity: string; code: string }[], severity: string): string[] {
  return [...new Set(diagnostics.filter((d) => d.severity === severity).map((d) => d.code))].sort();
}
