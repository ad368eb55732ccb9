import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  collectParsedFeed,
  decodeDstRule,
  dstTransitions,
  ianaZone,
  parseEspiAtomFile,
  localToUtc,
  ltpZone,
} from '../../src/espi';
import { samplePath } from './support';

const usEastern = { tzOffset: -18000, dstOffset: 3600, dstStartRule: 0x360e2000, dstEndRule: 0xb40e2000 };

test('the US rules decode to the second Sunday of March and the first of November at 02:00', () => {
  assert.deepEqual(decodeDstRule(0x360e2000), {
    seconds: 0,
    hours: 2,
    dayOfWeek: 7,
    dayOfMonth: 0,
    operator: 3,
    month: 3,
  });
  assert.deepEqual(decodeDstRule(0xb40e2000), {
    seconds: 0,
    hours: 2,
    dayOfWeek: 7,
    dayOfMonth: 0,
    operator: 2,
    month: 11,
  });
});

test('LTP transitions equal the IANA zone transitions, 2007-2030, Eastern and Pacific', () => {
  for (const [ltp, name] of [
    [usEastern, 'America/New_York'],
    [{ ...usEastern, tzOffset: -28800 }, 'America/Los_Angeles'],
  ] as const) {
    const iana = ianaZone(name);
    const zone = ltpZone(ltp)!;
    for (let year = 2007; year <= 2030; year++) {
      const { start, end } = dstTransitions(ltp, year)!;
      assert.equal(iana.offsetAt(start - 1), ltp.tzOffset, `${name} ${year} before start`);
      assert.equal(iana.offsetAt(start), ltp.tzOffset + 3600, `${name} ${year} at start`);
      assert.equal(iana.offsetAt(end - 1), ltp.tzOffset + 3600, `${name} ${year} before end`);
      assert.equal(iana.offsetAt(end), ltp.tzOffset, `${name} ${year} at end`);
      for (let t = Date.UTC(year, 0, 1) / 1000; t < Date.UTC(year + 1, 0, 1) / 1000; t += 3 * 3600 + 7) {
        assert.equal(zone.offsetAt(t), iana.offsetAt(t));
      }
    }
  }
});

test('local times resolve to UTC across both DST changes', () => {
  const zone = ltpZone(usEastern)!;
  const local = (s: string) => Date.parse(`${s}Z`) / 1000;
  assert.equal(localToUtc(zone, local('2012-03-11T01:30:00')), Date.parse('2012-03-11T06:30:00Z') / 1000);
  // 02:30 does not exist that night: it takes the offset in force before the change.
  assert.equal(localToUtc(zone, local('2012-03-11T02:30:00')), Date.parse('2012-03-11T07:30:00Z') / 1000);
  assert.equal(localToUtc(zone, local('2012-03-11T03:30:00')), Date.parse('2012-03-11T07:30:00Z') / 1000);
  // 01:30 happens twice in November: the first one is meant.
  assert.equal(localToUtc(zone, local('2012-11-04T01:30:00')), Date.parse('2012-11-04T05:30:00Z') / 1000);
  assert.equal(localToUtc(zone, local('2012-11-04T02:30:00')), Date.parse('2012-11-04T07:30:00Z') / 1000);
});

test('TestGBDataOneYearDailyBinnedMonthly: every day starts at local midnight, with 23- and 25-hour days', async (t) => {
  const path = samplePath('TestGBDataOneYearDailyBinnedMonthly.xml');
  if (!path) return t.skip('../shared not present');
  const { feed, readings } = await collectParsedFeed(parseEspiAtomFile(path, { fallbackZone: 'UTC' }));
  const zone = feed.usagePoints[0].zone;
  const list = readings.get(feed.meterReadings[0])!;
  for (const r of list) assert.equal((r.start + zone.offsetAt(r.start)) % 86400, 0, `local midnight at ${r.start}`);
  const odd = list
    .filter((r) => r.duration !== 86400)
    .map((r) => [new Date(r.start * 1000).toISOString().slice(0, 10), r.duration]);
  assert.deepEqual(odd, [
    ['2013-03-10', 82800],
    ['2013-11-03', 90000],
    ['2014-03-09', 82800],
  ]);
});

test('test_usage_data: the spring-forward local day has 92 quarter hours', async (t) => {
  const path = samplePath('test_usage_data.xml');
  if (!path) return t.skip('../shared not present');
  const { feed, readings } = await collectParsedFeed(parseEspiAtomFile(path, { fallbackZone: 'UTC' }));
  const zone = feed.usagePoints[0].zone;
  const perDay = new Map<string, number>();
  for (const r of readings.get(feed.meterReadings[0])!) {
    const day = new Date((r.start + zone.offsetAt(r.start)) * 1000).toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  assert.equal(perDay.get('2012-03-11'), 92);
  assert.equal(perDay.get('2012-03-10'), 96);
  assert.equal(perDay.size, 14);
});
