import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectParsedFeed, parseGreenButtonCsv } from '../../src/espi';
import { espiFixtures, iso, samplePath } from './support';

async function load(path: string, zone = 'America/Los_Angeles', extra: { decimals?: number } = {}) {
  return collectParsedFeed(
    parseGreenButtonCsv(createReadStream(path, { highWaterMark: 1024 }), { source: 'csv-test', zone, ...extra }),
  );
}

const byFlow = (c: Awaited<ReturnType<typeof load>>, flow: string) =>
  c.feed.meterReadings.find((m) => m.flow === flow)!;

test('SCE net-metering CSV: delivered and received kept apart, exact Wh, local times in the usage point zone', async (t) => {
  const path = samplePath('SCE-NEMFILE.sample');
  if (!path) return t.skip('SCE-NEMFILE.sample is only in ../shared (no licence to copy it), absent here');
  const c = await load(path);
  assert.deepEqual(c.feed.diagnostics, []);
  assert.equal(c.feed.usagePoints.length, 1);
  assert.equal(c.feed.usagePoints[0].zoneSource, 'configured');
  const delivered = byFlow(c, 'delivered');
  const received = byFlow(c, 'received');
  // Figures from the samples README: 1632 rows each, 733.27 and 303.49 kWh.
  assert.equal(delivered.readingCount, 1632);
  assert.equal(received.readingCount, 1632);
  assert.equal(delivered.valueTotal, 733_270n);
  assert.equal(received.valueTotal, 303_490n);
  assert.deepEqual(
    [delivered.readingType.uom, delivered.readingType.powerOfTenMultiplier, delivered.readingType.flowDirection],
    [72, 0, 1],
  );
  assert.equal(received.readingType.flowDirection, 19);
  // 2022-08-01 00:00 Pacific daylight time is 07:00 UTC; 17 days later, the same.
  assert.equal(iso(delivered.firstStart), '2022-08-01T07:00:00.000Z');
  assert.equal(iso(delivered.lastEnd), '2022-08-18T07:00:00.000Z');
  assert.equal(delivered.blockCount, 17);
  assert.equal(c.blocks.get(delivered)!.length, 17);
});

test('synthetic CSV across both DST changes: skipped times refused, repeated hour taken in order, third repeat a duplicate', async () => {
  const c = await load(join(espiFixtures, 'csv', 'dst-los-angeles.csv'));
  const codes = (severity: string) => c.feed.diagnostics.filter((d) => d.severity === severity).map((d) => d.code);
  assert.deepEqual(codes('error'), [
    'csv-local-time-skipped',
    'csv-local-time-skipped',
    'csv-local-time-skipped',
    'csv-local-time-skipped',
    'csv-value-precision',
    'reading-duplicate-start',
  ]);
  assert.deepEqual(codes('warning'), Array(11).fill('csv-local-time-ambiguous'));
  assert.deepEqual(
    c.feed.diagnostics.filter((d) => d.code === 'csv-local-time-skipped').map((d) => d.line),
    [16, 17, 18, 19],
  );
  const delivered = c.readings.get(byFlow(c, 'delivered'))!;
  assert.deepEqual(
    delivered.map((r) => [iso(r.start), r.duration, r.value]),
    [
      // 2022-03-13: 01:00–01:45 PST (UTC−8), then 03:00 PDT (UTC−7) straight after.
      ['2022-03-13T09:00:00.000Z', 900, 100],
      ['2022-03-13T09:15:00.000Z', 900, 100],
      ['2022-03-13T09:30:00.000Z', 900, 100],
      ['2022-03-13T09:45:00.000Z', 900, 100],
      ['2022-03-13T10:00:00.000Z', 900, 200],
      ['2022-03-13T10:15:00.000Z', 900, 200],
      // 2022-11-06: 00:45 PDT, the 01:xx hour in PDT, then again in PST, then 02:00 PST.
      ['2022-11-06T07:45:00.000Z', 900, 10],
      ['2022-11-06T08:00:00.000Z', 900, 10],
      ['2022-11-06T08:15:00.000Z', 900, 10],
      ['2022-11-06T08:30:00.000Z', 900, 10],
      ['2022-11-06T08:45:00.000Z', 900, 10],
      ['2022-11-06T09:00:00.000Z', 900, 10],
      ['2022-11-06T09:15:00.000Z', 900, 10],
      ['2022-11-06T09:30:00.000Z', 900, 10],
      ['2022-11-06T09:45:00.000Z', 900, 10],
      ['2022-11-06T10:00:00.000Z', 900, 10],
    ],
  );
  assert.equal(byFlow(c, 'delivered').valueTotal, 900n);
  const received = c.readings.get(byFlow(c, 'received'))!;
  assert.deepEqual(
    received.map((r) => [iso(r.start), r.value]),
    [
      ['2022-03-13T09:00:00.000Z', 50],
      ['2022-03-13T09:15:00.000Z', 50],
      ['2022-11-06T08:00:00.000Z', 1],
      ['2022-11-06T09:00:00.000Z', 1],
    ],
  );
});

test('decimals set the raw scale: 4 decimals keep 0.0005 kWh as 5 × 10^-1 Wh', async () => {
  const c = await load(join(espiFixtures, 'csv', 'dst-los-angeles.csv'), 'America/Los_Angeles', { decimals: 4 });
  const received = byFlow(c, 'received');
  assert.equal(received.readingType.powerOfTenMultiplier, -1);
  assert.deepEqual(
    c.readings
      .get(received)!
      .slice(0, 3)
      .map((r) => r.value),
    [500, 500, 5],
  );
  assert.ok(!c.feed.diagnostics.some((d) => d.code === 'csv-value-precision'));
});

test('a file that is not a Green Button CSV is refused', async () => {
  const c = await collectParsedFeed(parseGreenButtonCsv(['a,b,c\r\n1,2,3\r\n'], { source: 'x', zone: 'UTC' }));
  assert.equal(c.feed.fileRejected, true);
  assert.equal(c.feed.diagnostics[0].code, 'not-green-button-csv');
});
