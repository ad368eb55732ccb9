import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectParsedFeed, parseEspiAtom } from '../../src/espi';
import { ATOM, ESPI, entry, reading } from './support';

function feed(readingType: string, readings: string[], blocks = 1): string {
  const up = '/RetailCustomer/1/UsagePoint/1';
  const mr = `${up}/MeterReading/1`;
  const blockXml = Array.from({ length: blocks }, (_, i) =>
    entry(
      `${mr}/IntervalBlock/${i}`,
      `${mr}/IntervalBlock`,
      [],
      `<IntervalBlock xmlns="${ESPI}">${readings.join('')}</IntervalBlock>`,
    ),
  );
  return [
    `<feed xmlns="${ATOM}">\n`,
    entry(
      up,
      '/RetailCustomer/1/UsagePoint',
      [`${up}/MeterReading`],
      `<UsagePoint xmlns="${ESPI}"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint>`,
    ),
    entry(mr, `${up}/MeterReading`, [`${mr}/IntervalBlock`, '/ReadingType/1'], `<MeterReading xmlns="${ESPI}"/>`),
    entry('/ReadingType/1', '/ReadingType', [], `<ReadingType xmlns="${ESPI}">${readingType}</ReadingType>`),
    ...blockXml,
    '</feed>\n',
  ].join('');
}

const WH =
  '<flowDirection>1</flowDirection><intervalLength>900</intervalLength><powerOfTenMultiplier>0</powerOfTenMultiplier><uom>72</uom>';

async function load(xml: string) {
  return collectParsedFeed(parseEspiAtom([xml], { source: 'test', fallbackZone: 'UTC' }));
}

const errors = (f: { diagnostics: { severity: string; code: string; line?: number }[] }) =>
  f.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line]);

test('fractional start, negative duration and out-of-Int48 values reject their reading, with its line', async () => {
  const { feed: f, readings } = await load(
    feed(WH, [
      reading('1000', '900', '1'),
      reading('1900.5', '900', '2'),
      reading('2800', '-900', '3'),
      reading('3700', '900', '140737488355328'),
      reading('4600', '900', '5'),
    ]),
  );
  assert.deepEqual(
    errors(f).map((e) => e[0]),
    ['reading-fractional-start', 'reading-negative-duration', 'value-out-of-range'],
  );
  assert.ok(errors(f).every((e) => typeof e[1] === 'number' && e[1] > 1));
  assert.deepEqual(
    readings.get(f.meterReadings[0])!.map((r) => r.value),
    [1, 5],
  );
});

test('a reading of duration 0 is refused with its line, as in CSV, instead of failing the load in the database', async () => {
  const { feed: f, readings } = await load(
    feed(WH, [reading('1000', '900', '1'), reading('1900', '0', '2'), reading('2800', '900', '3')]),
  );
  assert.deepEqual(
    errors(f).map((e) => e[0]),
    ['reading-no-duration'],
  );
  assert.deepEqual(
    readings.get(f.meterReadings[0])!.map((r) => r.value),
    [1, 3],
  );
});

test('identical starts are errors, in any order and across blocks', async () => {
  const { feed: f, readings } = await load(
    feed(WH, [reading('2800', '900', '3'), reading('1900', '900', '2'), reading('1900', '900', '9')]),
  );
  assert.deepEqual(
    errors(f).map((e) => e[0]),
    ['reading-duplicate-start'],
  );
  assert.deepEqual(
    readings.get(f.meterReadings[0])!.map((r) => r.value),
    [3, 2],
  );
  const twice = await load(feed(WH, [reading('1000', '900', '1')], 2));
  assert.deepEqual(
    errors(twice.feed).map((e) => e[0]),
    ['reading-duplicate-start'],
  );
  assert.equal(twice.feed.meterReadings[0].readingCount, 1);
});

test('values without a unit reject the block', async () => {
  const { feed: f } = await load(feed('<flowDirection>1</flowDirection>', [reading('1000', '900', '1')]));
  assert.deepEqual(
    errors(f).map((e) => e[0]),
    ['unit-missing'],
  );
  assert.equal(f.blockOwner.size, 0);
});

test('intervalLength disagreeing with durations is a warning, not an error', async () => {
  const { feed: f } = await load(feed(WH, [reading('1000', '600', '1')]));
  assert.equal(f.errorCount, 0);
  assert.deepEqual(
    f.diagnostics.map((d) => d.code).filter((c) => c !== 'no-local-time-parameters'),
    ['interval-length-mismatch'],
  );
});

test('a block with no owner is reported, not dropped silently', async () => {
  const xml = feed(WH, [reading('1000', '900', '1')]).replace(
    '</feed>',
    entry(
      '/Elsewhere/9/IntervalBlock/1',
      '/Elsewhere/9/IntervalBlock',
      [],
      `<IntervalBlock xmlns="${ESPI}">${reading('5000', '900', '1')}</IntervalBlock>`,
    ) + '</feed>',
  );
  const { feed: f } = await load(xml);
  assert.deepEqual(
    errors(f).map((e) => e[0]),
    ['unlinked-interval-block'],
  );
  assert.equal(f.meterReadings[0].readingCount, 1);
});

test('cost is never scaled by the multiplier; values are', async () => {
  const { feed: f } = await load(
    feed('<powerOfTenMultiplier>-3</powerOfTenMultiplier><uom>169</uom>', [
      '<IntervalReading><cost>842283</cost><timePeriod><duration>900</duration><start>0</start></timePeriod><value>14000</value></IntervalReading>',
    ]),
  );
  const mr = f.meterReadings[0];
  assert.equal(mr.costTotal, 842283n);
  assert.equal(mr.valueTotal, 14000n);
  assert.equal(mr.readingType.powerOfTenMultiplier, -3);
});

const CUSTOMER = 'http://naesb.org/espi/customer';
const ltp = (start: string, end: string) =>
  entry(
    '/LocalTimeParameters/1',
    '/LocalTimeParameters',
    [],
    `<LocalTimeParameters xmlns="${ESPI}"><dstEndRule>${end}</dstEndRule><dstOffset>3600</dstOffset><dstStartRule>${start}</dstStartRule><tzOffset>-18000</tzOffset></LocalTimeParameters>`,
  );

test('a truncated DST rule is reported by name; the zone comes from what the LocalTimeParameters still say', async () => {
  // In 2024 (the zone is chosen over the readings' years: New York's rules were others in 1970).
  for (const start of ['360E', '360E2', '']) {
    const { feed: f } = await load(
      feed(WH, [reading('1709856000', '900', '1')]).replace('</feed>', `${ltp(start, 'B40E2000')}</feed>`),
    );
    const warning = f.diagnostics.find((d) => d.code === 'dst-rule-truncated');
    assert.ok(warning, `rule "${start}" is reported`);
    assert.match(warning.message, new RegExp(`dstStartRule "${start}"`));
    assert.deepEqual([f.usagePoints[0].zoneSource, f.usagePoints[0].zone.name], ['inferred', 'America/New_York']);
    assert.equal(f.errorCount, 0);
  }
  const { feed: whole } = await load(
    feed(WH, [reading('1000', '900', '1')]).replace('</feed>', `${ltp('360E2000', 'B40E2000')}</feed>`),
  );
  assert.equal(whole.usagePoints[0].zoneSource, 'LocalTimeParameters');
});

test('repeated entries: same self and content dropped as duplicates; same self, other content kept and reported', async () => {
  const rt = (uom: number) =>
    entry('/ReadingType/9', '/ReadingType', [], `<ReadingType xmlns="${ESPI}"><uom>${uom}</uom></ReadingType>`);
  const { feed: f } = await load(
    feed(WH, [reading('1000', '900', '1')]).replace('</feed>', `${rt(72)}${rt(72)}${rt(169)}</feed>`),
  );
  assert.deepEqual(
    f.diagnostics.filter((d) => d.code !== 'no-local-time-parameters').map((d) => d.code),
    ['duplicate-entry', 'self-link-collision'],
  );
  assert.deepEqual(
    f.unusedReadingTypes.map((t) => t.fields.uom),
    [72, 169],
  );
});

test("a ServiceLocation's UsagePoints refs link to the file's usage points, by href in any spelling", async () => {
  const location = (refs: string[]) =>
    entry(
      '/RetailCustomer/1/Customer/1/CustomerAccount/1/CustomerAgreement/1/ServiceLocation/1',
      '/RetailCustomer/1/Customer/1/CustomerAccount/1/CustomerAgreement/1/ServiceLocation',
      [],
      `<ServiceLocation xmlns="${CUSTOMER}"><UsagePoints>${refs.map((r) => `<UsagePoint>${r}</UsagePoint>`).join('')}</UsagePoints></ServiceLocation>`,
    );
  const xml = feed(WH, [reading('1000', '900', '1')]).replace(
    '</feed>',
    `${location(['https://custodian.example/RetailCustomer/1/UsagePoint/1/', '/RetailCustomer/1/UsagePoint/404'])}</feed>`,
  );
  const { feed: f } = await load(xml);
  assert.equal(f.serviceLocationUsagePoints.length, 1);
  assert.equal(f.serviceLocationUsagePoints[0].usagePoint, f.usagePoints[0]);
  assert.equal(f.serviceLocationUsagePoints[0].serviceLocation.kind, 'ServiceLocation');
  assert.deepEqual(
    f.diagnostics.filter((d) => d.code === 'unlinked-usage-point-ref').map((d) => d.message),
    ['ServiceLocation names usage point /RetailCustomer/1/UsagePoint/404, which is not in this file'],
  );
});
