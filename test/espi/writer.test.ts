import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import {
  collectParsedFeed,
  dstTransitions,
  EspiUsageFeedWriter,
  EspiWriteError,
  ianaZone,
  parseEspiAtom,
  localTimeParametersFor,
  ltpZone,
} from '../../src/espi';

const options = {
  baseUrl: 'https://portal.example/espi/1_1/resource',
  feedKey: 'customer-7',
  generatedAt: 1_700_000_000,
};
const WH = {
  accumulationBehaviour: 4,
  commodity: 1,
  flowDirection: 1,
  intervalLength: 900,
  kind: 12,
  powerOfTenMultiplier: 0,
  uom: 72,
};

test('LocalTimeParameters encoded from an IANA zone decode to the same offsets, 2008–2030 (rules unchanged since)', () => {
  for (const name of ['America/New_York', 'America/Los_Angeles', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Tokyo']) {
    const ltp = localTimeParametersFor(name, 2024);
    const zone = ltpZone(ltp)!;
    const iana = ianaZone(name);
    for (let t = Date.UTC(2008, 0, 1) / 1000; t < Date.UTC(2031, 0, 1) / 1000; t += 86_400 * 5 + 3_600 * 7) {
      assert.equal(zone.offsetAt(t), iana.offsetAt(t), `${name} at ${new Date(t * 1000).toISOString()}`);
    }
  }
  assert.deepEqual(localTimeParametersFor('America/New_York', 2024), {
    tzOffset: -18000,
    dstOffset: 3600,
    dstStartRule: 0x360e2000,
    dstEndRule: 0xb40e2000,
  });
  const berlin = localTimeParametersFor('Europe/Berlin', 2024);
  assert.deepEqual(dstTransitions(berlin, 2024), {
    start: Date.UTC(2024, 2, 31, 1) / 1000,
    end: Date.UTC(2024, 9, 27, 1) / 1000,
  });
  assert.equal(localTimeParametersFor('Asia/Tokyo', 2024).dstOffset, 0);
});

/** A destination that takes one chunk at a time and answers late, so every write beyond the first pushes back. */
function slowSink() {
  const chunks: string[] = [];
  let drains = 0;
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      setImmediate(done);
    },
  });
  sink.on('drain', () => drains++);
  return { sink, text: () => chunks.join(''), drains: () => drains };
}

test('the writer streams with backpressure and what it wrote reads back', async () => {
  const { sink, text, drains } = slowSink();
  const writer = new EspiUsageFeedWriter(sink, options);
  const up = await writer.usagePoint({ key: 'up-1', serviceKind: 0, zone: { name: 'America/Chicago' } });
  const mr = await writer.meterReading(up, { key: 'up-1|delivered', readingType: WH });
  const start = 1_704_088_800;
  for (let day = 0; day < 30; day++) {
    const readings = Array.from({ length: 96 }, (_, i) => ({
      start: start + day * 86_400 + i * 900,
      duration: 900,
      value: i,
      cost: i * 3,
      qualities: i === 5 ? [8, 19] : undefined,
    }));
    await writer.intervalBlock(mr, { interval: { start: start + day * 86_400, duration: 86_400 }, readings });
  }
  await writer.end();
  assert.ok(drains() > 0, 'the writer waited for drain');
  const { feed, readings } = await collectParsedFeed(parseEspiAtom([text()], { source: 'w', fallbackZone: 'UTC' }));
  assert.deepEqual(feed.diagnostics, []);
  assert.equal(feed.usagePoints[0].zoneSource, 'LocalTimeParameters');
  assert.equal(feed.meterReadings[0].readingCount, 2880);
  assert.deepEqual(readings.get(feed.meterReadings[0])![5].qualities, [8, 19]);
});

test('the writer refuses values espi.xsd would refuse rather than write an invalid feed', async () => {
  const { sink } = slowSink();
  const writer = new EspiUsageFeedWriter(sink, options);
  const up = await writer.usagePoint({ key: 'up-1', zone: { name: 'UTC' } });
  const mr = await writer.meterReading(up, { key: 'm', readingType: WH });
  await assert.rejects(
    writer.intervalBlock(mr, { readings: [{ start: 0, duration: 900, value: 2 ** 47 }] }),
    EspiWriteError,
  );
  await assert.rejects(
    writer.intervalBlock(mr, { readings: [{ start: 0.5, duration: 900, value: 1 }] }),
    EspiWriteError,
  );
  await assert.rejects(writer.intervalBlock(mr, { readings: [{ start: 0, duration: -1, value: 1 }] }), EspiWriteError);
});

test("a usage point's tariff code is written as its ServiceDeliveryPoint's tariffProfile, in schema order, and reads back", async () => {
  const { sink, text } = slowSink();
  const writer = new EspiUsageFeedWriter(sink, options);
  await writer.usagePoint({
    key: 'up-tou',
    serviceKind: 0,
    status: 1,
    tariffProfile: 'DEMO-TOU',
    zone: { name: 'America/Denver' },
  });
  await writer.usagePoint({ key: 'up-none', serviceKind: 1, tariffProfile: null, zone: { name: 'America/Denver' } });
  await writer.end();
  assert.match(
    text(),
    /<ServiceCategory><kind>0<\/kind><\/ServiceCategory><status>1<\/status><serviceDeliveryPoint><tariffProfile>DEMO-TOU<\/tariffProfile><\/serviceDeliveryPoint><\/UsagePoint>/,
  );
  const { feed } = await collectParsedFeed(parseEspiAtom([text()], { source: 'w', fallbackZone: 'UTC' }));
  assert.deepEqual(feed.diagnostics, []);
  assert.deepEqual(
    feed.usagePoints.map((u) => u.tariffProfile),
    ['DEMO-TOU', undefined],
  );
});
