import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeReadingTypeMrid,
  encodeReadingTypeMrid,
  espiQualityOf,
  formatDateTime,
  intervalPeriodOf,
  intervalStart,
  parseDateTime,
  scaleDecimal,
} from '../../src/cim';

test('formatDateTime agrees with Date over leap days, century years, the epoch and the range ends', () => {
  const reference = (epoch: number, offset: number) =>
    new Date((epoch + offset * 60) * 1000).toISOString().slice(0, 19);
  const instants = [
    0, -1, 951782400, 951868799, 4107542400, 4107628800, -62135596800, 253402300799, 1709164800, 1709251199,
  ];
  // A pseudo-random walk (fixed seed) over 1700–2300 at quarter-hour steps and odd seconds.
  for (let x = 12345, i = 0; i < 5000; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    instants.push(-8520336000 + (x % 19000000) * 1000 + (x % 997));
  }
  for (const epoch of instants) {
    for (const offset of [0, 180, -270, 840, -720]) {
      const local = epoch + offset * 60;
      if (local < -62135596800 || local >= 253402300800) continue;
      assert.equal(formatDateTime(epoch, offset).slice(0, 19), reference(epoch, offset), `${epoch} at ${offset}`);
    }
  }
});

test('decimal values scale exactly, never through a float', () => {
  assert.deepEqual(scaleDecimal('0.1', 3), { value: 100 });
  // 0.1 + 0.2 style trouble: as floats 1.005 × 1000 is 1004.9999999999999.
  assert.deepEqual(scaleDecimal('1.005', 3), { value: 1005 });
  assert.deepEqual(scaleDecimal('2.147', 3), { value: 2147 });
  assert.deepEqual(scaleDecimal('-0.022', 3), { value: -22 });
  assert.deepEqual(scaleDecimal(' 202 ', 3), { value: 202000 });
  assert.deepEqual(scaleDecimal('.5', 3), { value: 500 });
  assert.deepEqual(scaleDecimal('7.', 3), { value: 7000 });
  assert.deepEqual(scaleDecimal('1.5E-1', 3), { value: 150 });
  assert.deepEqual(scaleDecimal('1.2e2', 0), { value: 120 });
  assert.deepEqual(scaleDecimal('0.1250000', 3), { value: 125 }, 'trailing zeros are not precision');
  assert.deepEqual(scaleDecimal('0.0000', 3), { value: 0 });
  assert.deepEqual(scaleDecimal('0.0005', 3), { problem: 'too-precise' });
  assert.deepEqual(scaleDecimal('1E-4', 3), { problem: 'too-precise' });
  assert.deepEqual(scaleDecimal('140737488355.327', 3), { value: 2 ** 47 - 1 }, 'the largest Int48');
  assert.deepEqual(scaleDecimal('140737488355.328', 3), { problem: 'out-of-range' });
  assert.deepEqual(scaleDecimal('-140737488355.328', 3), { value: -(2 ** 47) });
  assert.deepEqual(scaleDecimal('1e999999', 3), { problem: 'out-of-range' });
  for (const bad of ['', ' ', 'NaN', 'INF', '-INF', '1,5', '0x10', '1e', '.', '+-1', '1.2.3']) {
    assert.deepEqual(scaleDecimal(bad, 3), { problem: 'not-a-number' }, JSON.stringify(bad));
  }
});

test('xs:dateTime parsing keeps the offset and refuses what is not an instant', () => {
  assert.deepEqual(parseDateTime('2017-07-02T00:00:00+03:00'), {
    epoch: 1498942800,
    fractional: false,
    offsetMinutes: 180,
  });
  assert.deepEqual(parseDateTime('2017-07-24T17:37:09.105+03:00'), {
    epoch: 1500907029,
    fractional: true,
    offsetMinutes: 180,
  });
  assert.deepEqual(parseDateTime('2017-07-01T21:00:00Z'), { epoch: 1498942800, fractional: false, offsetMinutes: 0 });
  assert.deepEqual(parseDateTime('2017-07-01T16:30:00-04:30'), {
    epoch: 1498942800,
    fractional: false,
    offsetMinutes: -270,
  });
  assert.equal(parseDateTime('2017-07-01T21:00:00')?.offsetMinutes, undefined, 'no zone: local time of unknown place');
  assert.equal(parseDateTime('2017-07-01T24:00:00Z')?.epoch, parseDateTime('2017-07-02T00:00:00Z')?.epoch);
  for (const bad of [
    '2017-02-29T00:00:00Z',
    '2017-13-01T00:00:00Z',
    '2017-07-01 00:00:00Z',
    '2017-07-01T25:00:00Z',
    '2017-07-01T00:00:00+15:00',
    'yesterday',
  ]) {
    assert.equal(parseDateTime(bad), undefined, bad);
  }
  assert.equal(formatDateTime(1498942800, 180), '2017-07-02T00:00:00+03:00');
  assert.equal(formatDateTime(1498942800), '2017-07-01T21:00:00Z');
  assert.equal(formatDateTime(1498942800, -270), '2017-07-01T16:30:00-04:30');
});

test('interval end → start: fixed periods subtract seconds, calendar periods count on the sender clock', () => {
  const rt = (mRID: string) => decodeReadingTypeMrid(mRID) ?? assert.fail(mRID);
  const quarter = intervalPeriodOf(rt('0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0'));
  assert.deepEqual(quarter, { seconds: 900 });
  const end = parseDateTime('2017-07-01T00:15:00+03:00') ?? assert.fail();
  assert.equal(
    formatDateTime(intervalStart(end.epoch, 180, quarter ?? assert.fail()), 180),
    '2017-07-01T00:00:00+03:00',
  );

  const daily = intervalPeriodOf(rt('11.0.0.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0')) ?? assert.fail();
  const dayEnd = parseDateTime('2017-07-02T00:00:00+03:00') ?? assert.fail();
  assert.equal(dayEnd.epoch - intervalStart(dayEnd.epoch, 180, daily), 86400);
  assert.equal(formatDateTime(intervalStart(dayEnd.epoch, 180, daily), 180), '2017-07-01T00:00:00+03:00');

  const monthly = intervalPeriodOf(rt('13.0.0.4.1.1.12.0.0.0.0.0.0.0.0.0.72.0')) ?? assert.fail();
  const march = parseDateTime('2024-03-01T00:00:00+01:00') ?? assert.fail();
  assert.equal(formatDateTime(intervalStart(march.epoch, 60, monthly), 60), '2024-02-01T00:00:00+01:00');
  assert.equal(march.epoch - intervalStart(march.epoch, 60, monthly), 29 * 86400, 'February 2024 has 29 days');
  const may31 = parseDateTime('2024-05-31T00:00:00Z') ?? assert.fail();
  assert.equal(formatDateTime(intervalStart(may31.epoch, 0, monthly)), '2024-04-30T00:00:00Z', 'no spill into May 1st');

  assert.deepEqual(intervalPeriodOf(rt('0.0.7.4.1.1.12.0.0.0.0.0.0.0.0.0.72.0')), { seconds: 3600 });
  assert.equal(intervalPeriodOf(rt('0.0.0.4.1.1.12.0.0.0.0.0.0.0.0.0.72.0')), undefined, 'no period at all');
  assert.equal(
    intervalPeriodOf(rt('0.0.57.4.1.1.8.0.0.0.0.0.0.0.0.0.38.0')),
    undefined,
    'rolling demand blocks overlap',
  );
  assert.equal(
    intervalPeriodOf(rt('8.0.0.4.1.1.12.0.0.0.0.0.0.0.0.0.72.0')),
    undefined,
    'billing periods are irregular',
  );
});

test('ReadingType mRID ↔ fields: each of the 18 fields lands in its ESPI field, negatives included', () => {
  const mRID = '13.8.6.4.19.7.37.3.4.5.6.2.1.3.128.-3.38.840';
  const fields = decodeReadingTypeMrid(mRID);
  assert.deepEqual(fields, {
    timeAttribute: 13,
    dataQualifier: 8,
    measuringPeriod: 6,
    accumulationBehaviour: 4,
    flowDirection: 19,
    commodity: 7,
    kind: 37,
    interharmonic: { numerator: 3, denominator: 4 },
    argument: { numerator: 5, denominator: 6 },
    tou: 2,
    cpp: 1,
    consumptionTier: 3,
    phase: 128,
    powerOfTenMultiplier: -3,
    uom: 38,
    currency: 840,
  });
  assert.equal(encodeReadingTypeMrid(fields ?? assert.fail()), mRID);
  assert.equal(encodeReadingTypeMrid({ kind: 12, uom: 72, flowDirection: 1 }), '0.0.0.0.1.0.12.0.0.0.0.0.0.0.0.0.72.0');
  for (const bad of [
    '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72',
    '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0.0',
    'a.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0',
    '',
  ]) {
    assert.equal(decodeReadingTypeMrid(bad), undefined, bad);
  }
});

test('ReadingQuality refs map to ESPI quality codes only where the meaning is the same', () => {
  assert.equal(espiQualityOf('1.0.0'), 0);
  assert.equal(espiQualityOf('3.7.1'), 7);
  assert.equal(espiQualityOf('2.10.1'), 10);
  assert.equal(espiQualityOf('3.8.0'), undefined, 'estimated: ESPI needs the method');
  assert.equal(espiQualityOf('3.5.258'), undefined);
  assert.equal(espiQualityOf('garbage'), undefined);
});
