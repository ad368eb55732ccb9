import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { after, test } from 'node:test';
import {
  CollectedFeed,
  collectParsedFeed,
  parseEspiAtomFile,
  writeCollectedCustomerFeed,
  writeCollectedUsageFeed,
} from '../../src/espi';
import { samplePath } from './support';
import { XMLLINT_MISSING, xmllint, xmllintValidate } from '../support/xmllint';

const USAGE_SAMPLES = [
  '15MinLP_15Days.xml',
  '1hrLP_32Days.xml',
  'pge_electric_interval_data_2011-03-07_to_2012-04-07.xml',
  'Coastal_Multi_Family_12hr_Jan_1_2011_to_Jan_1_2012_RetailCustomer_3.xml',
  'TestGBDataOneYearDailyBinnedMonthly.xml',
  'test_usage_data.xml',
  'ngma_natural_gas_billing_billing_data_Service_1_1_2021-05-26_to_2024-04-25.xml',
  'PGEReadingType.xml',
];

const out = mkdtempSync(join(tmpdir(), 'espi-round-trip-'));
after(() => rmSync(out, { recursive: true, force: true }));
const options = {
  baseUrl: 'https://portal.example/DataCustodian/espi/1_1/resource',
  generatedAt: 1_700_000_000,
  zoneYear: 2012,
};

async function read(file: string, fallbackZone = 'America/New_York') {
  return collectParsedFeed(parseEspiAtomFile(file, { fallbackZone }));
}

async function write(
  collected: CollectedFeed,
  name: string,
  feedKey: string,
  writeFeed = writeCollectedUsageFeed,
): Promise<string> {
  const file = join(out, name);
  const stream = createWriteStream(file);
  await writeFeed(stream, collected, { ...options, feedKey });
  stream.end();
  await finished(stream);
  return file;
}

/** What must survive a round trip: every record, minus where it sat in the file (lines, hrefs, keys). */
function records(c: CollectedFeed, ltpFromFile: boolean) {
  const { feed } = c;
  return {
    usagePoints: feed.usagePoints.map((u) => ({
      title: u.title,
      serviceKind: u.serviceKind,
      status: u.status,
      roleFlags: u.roleFlags,
      localTimeParameters: ltpFromFile ? u.localTimeParameters : undefined,
    })),
    meterReadings: feed.meterReadings.map((m) => ({
      readingType: m.readingType,
      flow: m.flow,
      readingCount: m.readingCount,
      valueTotal: m.valueTotal,
      costTotal: m.costTotal,
      firstStart: m.firstStart,
      lastEnd: m.lastEnd,
      blocks: c.blocks.get(m)!.map((b) => b.interval),
      readings: c.readings.get(m)!.map(({ line: _line, ...r }) => r),
    })),
    summaries: feed.summaries.map((s) => ({
      type: s.type,
      fields: s.fields,
      usagePoint: feed.usagePoints.indexOf(s.usagePoint!),
    })),
    readingTypes: feed.unusedReadingTypes.map((t) => ({ fields: t.fields, title: t.entry.title })),
  };
}

for (const name of USAGE_SAMPLES) {
  test(`round trip: read → write → xmllint espi.xsd → read gives the same records: ${name}`, async (t) => {
    if (XMLLINT_MISSING) return t.skip(XMLLINT_MISSING);
    const path = samplePath(name);
    if (!path) return t.skip(`${name} is only in ../shared, absent here`);
    const first = await read(path);
    assert.ok(
      first.feed.meterReadings.length + first.feed.summaries.length + first.feed.unusedReadingTypes.length > 0,
      'the sample holds records',
    );
    const written = await write(first, `${name}.out.xml`, name);
    xmllintValidate(written, 'espi.xsd');
    const second = await read(written);
    assert.deepEqual(
      second.feed.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const fromFile = first.feed.usagePoints.every((u) => u.zoneSource === 'LocalTimeParameters');
    assert.deepEqual(records(second, fromFile), records(first, fromFile));
    // A usage point that fell back to a zone gets that zone's rules written: re-read, they give the same offsets.
    for (const [i, u] of first.feed.usagePoints.entries()) {
      const again = second.feed.usagePoints[i];
      assert.equal(again.zoneSource, 'LocalTimeParameters');
      for (let t2 = 1_300_000_000; t2 < 1_340_000_000; t2 += 86_400 * 7)
        assert.equal(again.zone.offsetAt(t2), u.zone.offsetAt(t2), `offset at ${t2}`);
    }
  });
}

test('a re-export is byte-identical apart from the generation timestamps', async (t) => {
  const path = samplePath('test_usage_data.xml');
  if (!path) return t.skip('sample absent');
  const collected = await read(path);
  const a = readFileSync(await write(collected, 'a.xml', 'same'), 'utf8');
  const later = join(out, 'b.xml');
  const stream = createWriteStream(later);
  await writeCollectedUsageFeed(stream, collected, {
    ...options,
    feedKey: 'same',
    generatedAt: options.generatedAt + 3600,
  });
  stream.end();
  await finished(stream);
  const b = readFileSync(later, 'utf8');
  const stamp = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g;
  assert.notEqual(a, b);
  assert.equal(a.replace(stamp, 'T'), b.replace(stamp, 'T'));
});

const customers = (c: CollectedFeed) =>
  c.feed.customers.map((e) => ({
    kind: e.kind,
    content: e.content,
    usagePointRefs: e.usagePointRefs,
    title: e.entry.title,
  }));

test('customer feed round trip: read → write → xmllint customer.xsd → read gives the same entities: PGERetailCustomer.xml', async (t) => {
  if (XMLLINT_MISSING) return t.skip(XMLLINT_MISSING);
  const path = samplePath('PGERetailCustomer.xml');
  if (!path) return t.skip('PGERetailCustomer.xml is only in ../shared, absent here');
  const first = await read(path);
  assert.equal(first.feed.customers.length, 5);
  const written = await write(first, 'customer.out.xml', 'pge-customer', writeCollectedCustomerFeed);
  xmllintValidate(written, 'customer.xsd');
  assert.deepEqual(customers(await read(written)), customers(first));
});

test('customer feed round trip keeps content as read, even where the sample breaks customer.xsd: Customer-Subscription-Feed-Anonymized.xml', async (t) => {
  if (XMLLINT_MISSING) return t.skip(XMLLINT_MISSING);
  const path = samplePath('Customer-Subscription-Feed-Anonymized.xml');
  if (!path) return t.skip('Customer-Subscription-Feed-Anonymized.xml is only in ../shared, absent here');
  const first = await read(path);
  const written = await write(first, 'customer-anonymized.out.xml', 'anonymized', writeCollectedCustomerFeed);
  assert.deepEqual(customers(await read(written)), customers(first));
  // The sample writes <status>active</status> where customer.xsd's Status holds elements; that, and only that, fails.
  const r = xmllint(written, 'customer.xsd');
  assert.notEqual(r.status, 0);
  assert.deepEqual(
    r.stderr
      .split('\n')
      .filter((l) => l.includes('validity error'))
      .map((l) => l.replace(/^.*?: element /, '')),
    [
      "status: Schemas validity error : Element '{http://naesb.org/espi/customer}status': Character content other than whitespace is not allowed because the content type is 'element-only'.",
    ],
  );
});
