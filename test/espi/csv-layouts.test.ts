import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectParsedFeed, parseGreenButtonCsv } from '../../src/espi';
import { CSV_LAYOUTS } from '../../src/espi/csv-layouts';
import { espiFixtures, iso } from './support';

// One fixture per Green Button CSV layout (test/fixtures/espi/csv/README.md says where each shape comes from). The
// expected figures are worked out by hand from the rows, in America/Los_Angeles.

const ZONE = 'America/Los_Angeles';

async function load(name: string) {
  const stream = createReadStream(join(espiFixtures, 'csv', name), { highWaterMark: 64 });
  return collectParsedFeed(parseGreenButtonCsv(stream, { source: 'csv-layouts', zone: ZONE }));
}

/** A file that must read without a single diagnostic. */
async function loadClean(name: string) {
  const c = await load(name);
  assert.deepEqual(c.feed.diagnostics, []);
  return c;
}

async function loadText(text: string) {
  return collectParsedFeed(parseGreenButtonCsv([text], { source: 'csv-layouts', zone: ZONE }));
}

type Loaded = Awaited<ReturnType<typeof load>>;

/** [flow, uom, multiplier, currency, readings, Σ value, Σ cost, first start, last end, blocks] per meter reading. */
function series(c: Loaded) {
  return c.feed.meterReadings.map((m) => [
    m.flow,
    m.readingType.uom,
    m.readingType.powerOfTenMultiplier,
    m.readingType.currency,
    m.readingCount,
    m.valueTotal,
    m.costTotal,
    iso(m.firstStart),
    iso(m.lastEnd),
    m.blockCount,
  ]);
}

const codes = (c: Loaded) => c.feed.diagnostics.map((d) => d.code);
const durations = (c: Loaded, flow = 'delivered') =>
  c.readings.get(c.feed.meterReadings.find((m) => m.flow === flow)!)!.map((r) => r.duration);

test('SCE consumption: one usage series, the repeated 01:00 hour taken in order, a quality note reported', async () => {
  const c = await load('sce-consumption.csv');
  // 24 + 25 hourly rows of 0.5 kWh; 2023-11-04 00:00 PDT to 2023-11-06 00:00 PST.
  assert.deepEqual(series(c), [
    ['delivered', 72, 0, undefined, 49, 24_500n, 0n, '2023-11-04T07:00:00.000Z', '2023-11-06T08:00:00.000Z', 2],
  ]);
  assert.deepEqual(codes(c), ['csv-quality-unknown', 'csv-local-time-ambiguous', 'csv-local-time-ambiguous']);
  assert.equal(c.feed.usagePoints[0].serviceKind, 0);
  assert.ok(durations(c).every((d) => d === 3600));
});

test('SCE net metering written unquoted (",," blank lines, double spaces): delivered and received', async () => {
  const c = await loadClean('sce-net-metering-unquoted.csv');
  assert.deepEqual(series(c), [
    ['delivered', 72, 0, undefined, 4, 150n, 0n, '2024-05-22T07:00:00.000Z', '2024-05-22T08:00:00.000Z', 1],
    ['received', 72, 0, undefined, 4, 20n, 0n, '2024-05-22T07:00:00.000Z', '2024-05-22T08:00:00.000Z', 1],
  ]);
});

test('SCE start/end columns: 12-hour times, noon and the row that ends at the next midnight', async () => {
  const c = await loadClean('sce-start-end.csv');
  assert.deepEqual(series(c), [
    ['delivered', 72, 0, undefined, 5, 1460n, 0n, '2025-07-28T07:00:00.000Z', '2025-07-29T07:15:00.000Z', 2],
    ['received', 72, 0, undefined, 5, 340n, 0n, '2025-07-28T07:00:00.000Z', '2025-07-29T07:15:00.000Z', 2],
  ]);
  const received = c.readings.get(c.feed.meterReadings[1])!;
  assert.deepEqual(
    received.filter((r) => r.value! > 0).map((r) => iso(r.start)),
    ['2025-07-28T19:00:00.000Z'],
  );
});

test('PG&E electric: end times as the last minute, no 02:00 hour on the spring-forward day, costs in dollars', async () => {
  const c = await loadClean('pge-electric.csv');
  // Rows h = 0, 1, 3…23 of 0.(h+10) kWh and $0.(h+10): Σ (h + 10) = 516 − 12 = 504 → 5040 Wh and $5.04.
  assert.deepEqual(series(c), [
    ['delivered', 72, 0, 840, 23, 5040n, 504_000n, '2023-03-12T08:00:00.000Z', '2023-03-13T07:00:00.000Z', 1],
  ]);
  assert.ok(durations(c).every((d) => d === 3600));
  assert.equal(c.feed.usagePoints[0].key, 'csv-layouts|/GreenButtonCsv/UsagePoint/Service%201');
});

test('PG&E electric with solar: IMPORT and EXPORT columns, the row cost (credits too) kept on the import', async () => {
  const c = await loadClean('pge-electric-nem.csv');
  // $0.04 + $0.03 − $0.11 − $0.06 = −$0.10.
  assert.deepEqual(series(c), [
    ['delivered', 72, 0, 840, 4, 240n, -10_000n, '2023-06-01T19:00:00.000Z', '2023-06-01T20:00:00.000Z', 1],
    ['received', 72, 0, undefined, 4, 560n, 0n, '2023-06-01T19:00:00.000Z', '2023-06-01T20:00:00.000Z', 1],
  ]);
});

test('PG&E gas: therms from the USAGE header, a gas usage point, the fall-back day 25 hours long', async () => {
  const c = await loadClean('pge-gas.csv');
  assert.deepEqual(series(c), [
    ['delivered', 169, -3, 840, 3, 3530n, 727_000n, '2023-11-04T07:00:00.000Z', '2023-11-07T08:00:00.000Z', 1],
  ]);
  assert.deepEqual(durations(c), [86_400, 90_000, 86_400]);
  assert.equal(c.feed.usagePoints[0].serviceKind, 1);
  assert.equal(c.feed.meterReadings[0].readingType.commodity, 7);
});

test("PG&E's older daily gas layout: a date alone is the whole local day; one block per local month", async () => {
  const c = await loadClean('pge-gas-daily.csv');
  assert.deepEqual(series(c), [
    ['delivered', 169, -3, 840, 3, 4080n, 405_000n, '2012-10-31T07:00:00.000Z', '2012-11-03T07:00:00.000Z', 2],
  ]);
});

test('SDG&E electric: 12-hour times, Duration in minutes, empty Generation cells, the repeated 1 AM hour in order', async () => {
  const c = await load('sdge-electric.csv');
  // Rows 1:00–1:45 AM twice: one warning per row (both columns share the row), first then second occurrence.
  assert.deepEqual(codes(c), Array(8).fill('csv-local-time-ambiguous'));
  assert.deepEqual(series(c), [
    ['delivered', 72, 0, undefined, 10, 1000n, 0n, '2023-11-05T07:45:00.000Z', '2023-11-05T10:15:00.000Z', 1],
    ['received', 72, 0, undefined, 2, 100n, 0n, '2023-11-05T09:45:00.000Z', '2023-11-05T10:15:00.000Z', 1],
  ]);
  assert.equal(c.feed.usagePoints[0].key, 'csv-layouts|/GreenButtonCsv/UsagePoint/00000001');
});

test('SDG&E gas: the unit from the "UOM,Therms" preamble line', async () => {
  const c = await loadClean('sdge-gas.csv');
  assert.deepEqual(series(c), [
    ['delivered', 169, -3, undefined, 3, 3600n, 0n, '2024-01-01T08:00:00.000Z', '2024-01-04T08:00:00.000Z', 1],
  ]);
});

test('generic date/start/end/usage layout in CCF: cubic feet × 10^2, volume readings', async () => {
  const c = await loadClean('generic-ccf.csv');
  // 2.5 + 3 + 1.25 CCF = 6.75 CCF = 675 ft³, kept as 6750 × 10^−1 ft³.
  assert.deepEqual(series(c), [
    ['delivered', 119, -1, 840, 3, 6750n, 837_000n, '2024-01-01T08:00:00.000Z', '2024-01-04T08:00:00.000Z', 1],
  ]);
  assert.equal(c.feed.meterReadings[0].readingType.kind, 58);
});

test('an unknown layout is refused with the layouts that are known', async () => {
  const c = await loadText('Date,Temperature\r\n2024-01-01,12\r\n');
  assert.equal(c.feed.fileRejected, true);
  const refusal = c.feed.diagnostics.find((d) => d.code === 'not-green-button-csv')!;
  for (const layout of CSV_LAYOUTS) assert.match(refusal.message, new RegExp(`${layout.name}: `));
  assert.match(refusal.message, /1 rows that look like data, the first at line 2/);
  assert.deepEqual(codes(c), ['not-green-button-csv']);
});

test('rows that cannot be read are reported, never skipped silently, and the rest loads', async () => {
  const c = await loadText(
    [
      'Electric usage,2023-12-31,23:00,23:59,1.5,kWh,$0.30,,A',
      'TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES,METER',
      'Electric usage,2024-01-01,00:00,00:59,1.5,kWh,$0.30,,A',
      'Electric usage,2024-01-01,01:00,01:59,1.5,kWh,30 cents,,A',
      'Electric usage,not a date,02:00,02:59,1.5,kWh,$0.30,,A',
      'Electric usage,2024-01-01,03:00,03:59,1.5,,$0.30,,A',
      'Electric usage,2024-01-01,04:00,04:59,,kWh,$0.30,estimated,A',
      'Electric usage,2024-01-01,05:00,05:59,1.5,kWh,$0.30,,A',
    ].join('\n'),
  );
  assert.deepEqual(codes(c), [
    'csv-no-header',
    'csv-column-unknown',
    'csv-cost-unreadable',
    'csv-row-unreadable',
    'csv-unit-unknown',
    'csv-value-missing',
    'csv-quality-unknown',
  ]);
  assert.match(c.feed.diagnostics[1].message, /"meter"/);
  assert.deepEqual(series(c), [
    ['delivered', 72, 0, 840, 3, 4500n, 60_000n, '2024-01-01T08:00:00.000Z', '2024-01-01T14:00:00.000Z', 1],
  ]);
});

test('SDG&E with two meters in one file: one usage point per meter, each with its own repeated 1 AM hour', async () => {
  const rows = ['UOM,kWh', 'Meter Number,Date,Start Time,Duration,Consumption,Generation,Net'];
  for (const meter of ['111', '222']) {
    for (const time of ['1:00 AM', '1:00 AM'])
      rows.push(`"${meter}","11/5/2023","${time}","60","${meter === '111' ? '1.0' : '2.0'}","",""`);
  }
  const c = await loadText(rows.join('\n'));
  assert.deepEqual(codes(c), Array(4).fill('csv-local-time-ambiguous'));
  assert.deepEqual(
    c.feed.usagePoints.map((u) => u.key),
    ['csv-layouts|/GreenButtonCsv/UsagePoint/111', 'csv-layouts|/GreenButtonCsv/UsagePoint/222'],
  );
  // 01:00 PDT and 01:00 PST for each meter.
  assert.deepEqual(series(c), [
    ['delivered', 72, 0, undefined, 2, 2000n, 0n, '2023-11-05T08:00:00.000Z', '2023-11-05T10:00:00.000Z', 1],
    ['delivered', 72, 0, undefined, 2, 4000n, 0n, '2023-11-05T08:00:00.000Z', '2023-11-05T10:00:00.000Z', 1],
  ]);
});
