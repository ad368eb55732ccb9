import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { collectParsedFeed, parseEspiAtom } from '../../src/espi';
import { describeRule, readableRule } from '../../src/espi/ltp-inference';
import { ATOM, ESPI, entry, reading, samplePath } from './support';

// LocalTimeParameters whose DST rules are truncated or malformed: the zone comes from what can still be read.

const UP = '/RetailCustomer/1/UsagePoint/1';
const MR = `${UP}/MeterReading/1`;
const DAY = 86400;

/** A feed of daily readings between consecutive `starts` (local midnights), under the given LocalTimeParameters. */
function dailyFeed(ltpXml: string, starts: number[]): string {
  const readings = starts.slice(0, -1).map((s, i) => reading(String(s), String(starts[i + 1] - s), String(100 + i)));
  const ltp = entry(
    '/LocalTimeParameters/1',
    '/LocalTimeParameters',
    [],
    `<LocalTimeParameters xmlns="${ESPI}">${ltpXml}</LocalTimeParameters>`,
  );
  return [
    `<feed xmlns="${ATOM}">\n`,
    entry(
      UP,
      '/RetailCustomer/1/UsagePoint',
      [`${UP}/MeterReading`, '/LocalTimeParameters/1'],
      `<UsagePoint xmlns="${ESPI}"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint>`,
    ),
    ltp,
    entry(MR, `${UP}/MeterReading`, [`${MR}/IntervalBlock`, '/ReadingType/1'], `<MeterReading xmlns="${ESPI}"/>`),
    entry(
      '/ReadingType/1',
      '/ReadingType',
      [],
      `<ReadingType xmlns="${ESPI}"><intervalLength>86400</intervalLength><uom>72</uom></ReadingType>`,
    ),
    entry(
      `${MR}/IntervalBlock/1`,
      `${MR}/IntervalBlock`,
      [],
      `<IntervalBlock xmlns="${ESPI}">${readings.join('')}</IntervalBlock>`,
    ),
    '</feed>\n',
  ].join('');
}

/** Local midnights of consecutive days in an IANA zone, as UTC epoch seconds (found by asking Intl, not the codec). */
function midnights(zone: string, year: number, month: number, day: number, count: number): number[] {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    hour: 'numeric',
    minute: 'numeric',
  });
  const out: number[] = [];
  for (let d = 0; d < count; d++) {
    // Local midnight lies within ±14 h of UTC midnight; step by the quarter hour to find the instant showing 00:00.
    const utcMidnight = Date.UTC(year, month - 1, day + d) / 1000;
    let t = utcMidnight - 14 * 3600;
    while (format.format(new Date(t * 1000)) !== '00:00') t += 900;
    out.push(t);
  }
  return out;
}

const ltpXml = (f: { start?: string; end?: string; dst?: number; tz?: number }) =>
  [
    f.end === undefined ? '' : `<dstEndRule>${f.end}</dstEndRule>`,
    f.dst === undefined ? '' : `<dstOffset>${f.dst}</dstOffset>`,
    f.start === undefined ? '' : `<dstStartRule>${f.start}</dstStartRule>`,
    f.tz === undefined ? '' : `<tzOffset>${f.tz}</tzOffset>`,
  ].join('');

async function load(xml: string) {
  return collectParsedFeed(parseEspiAtom([xml], { source: 'test', fallbackZone: 'UTC' }));
}

test('a truncated start rule with US offsets: America/New_York, and every daily reading starts at its local midnight across spring forward', async () => {
  const starts = midnights('America/New_York', 2024, 3, 8, 6);
  const { feed: f, readings } = await load(
    dailyFeed(ltpXml({ start: '360E', end: 'B40E2000', dst: 3600, tz: -18000 }), starts),
  );
  const [up] = f.usagePoints;
  assert.deepEqual([up.zoneSource, up.zone.name], ['inferred', 'America/New_York']);
  const list = readings.get(f.meterReadings[0])!;
  assert.equal(list.length, 5);
  for (const r of list)
    assert.equal(
      (r.start + up.zone.offsetAt(r.start)) % DAY,
      0,
      `local midnight at ${new Date(r.start * 1000).toISOString()}`,
    );
  // 10 March is 23 hours long in New York: not an interval-length mismatch.
  assert.deepEqual(
    f.diagnostics.map((d) => d.code),
    ['dst-rule-truncated'],
  );
  assert.match(
    f.diagnostics[0].message,
    /^LocalTimeParameters incomplete or truncated \(dstStartRule "360E", dstEndRule "B40E2000"\): local days use America\/New_York, the zone that agrees with what is stated \(tzOffset -18000 s, dstOffset 3600 s, start rule says month 3, 2nd Sunday, end rule says month 11, 1st Sunday, 02:00\) over 2024$/,
  );
});

test('what is read of the rules chooses among zones with the same offsets: a start at 00:00 is Havana, not New York', async () => {
  const starts = midnights('America/Havana', 2024, 3, 8, 6);
  const { feed: f, readings } = await load(
    dailyFeed(ltpXml({ start: '360E0', end: '', dst: 3600, tz: -18000 }), starts),
  );
  const [up] = f.usagePoints;
  assert.deepEqual([up.zoneSource, up.zone.name], ['inferred', 'America/Havana']);
  for (const r of readings.get(f.meterReadings[0])!) assert.equal((r.start + up.zone.offsetAt(r.start)) % DAY, 0);
});

test('no DST to be seen: the fixed offset of tzOffset (Etc/GMT+5 is UTC-5); nothing known: the fallback zone', async () => {
  const fixed = midnights('Etc/GMT+5', 2024, 3, 8, 6);
  const cases: [Parameters<typeof ltpXml>[0], string, string, RegExp][] = [
    [
      { start: '36', end: '', dst: 0, tz: -18000 },
      'inferred',
      'Etc/GMT+5',
      /local days use Etc\/GMT\+5, the fixed offset of tzOffset, as nothing says DST is observed/,
    ],
    [{ tz: -18000 }, 'inferred', 'Etc/GMT+5', /dstOffset absent, start rule says nothing, end rule says nothing/],
    [
      { start: 'zz', end: 'B40E2000', dst: 3600 },
      'fallback',
      'UTC',
      /and no usable tzOffset: local days use the fallback zone UTC/,
    ],
  ];
  for (const [fields, source, name, message] of cases) {
    const { feed: f } = await load(dailyFeed(ltpXml(fields), fixed));
    const [up] = f.usagePoints;
    assert.deepEqual([up.zoneSource, up.zone.name], [source, name], JSON.stringify(fields));
    assert.match(f.diagnostics.find((d) => d.code === 'dst-rule-truncated')!.message, message);
  }
});

test('a rule that decodes to no date is reported as invalid; its readable fields still count', async () => {
  const starts = midnights('America/New_York', 2024, 10, 31, 6);
  const { feed: f, readings } = await load(
    dailyFeed(ltpXml({ start: 'D60E2000', end: 'B40E2000', dst: 3600, tz: -18000 }), starts),
  );
  const [up] = f.usagePoints;
  assert.deepEqual([up.zoneSource, up.zone.name], ['inferred', 'America/New_York']);
  assert.match(
    f.diagnostics.find((d) => d.code === 'dst-rule-invalid')!.message,
    /^DST rules D60E2000\/B40E2000 do not decode to dates: local days use America\/New_York/,
  );
  for (const r of readings.get(f.meterReadings[0])!) assert.equal((r.start + up.zone.offsetAt(r.start)) % DAY, 0);
});

test('a truncated rule keeps the fields its remaining digits hold whole and in range', () => {
  assert.deepEqual(readableRule('360E'), { month: 3, operator: 3, dayOfMonth: 0, dayOfWeek: 7 });
  assert.deepEqual(readableRule(' 360E2 '), { month: 3, operator: 3, dayOfMonth: 0, dayOfWeek: 7, hours: 2 });
  assert.deepEqual(readableRule('D6'), { operator: 3 });
  assert.deepEqual(readableRule('x360E2000'), {});
  assert.equal(describeRule(readableRule('328E2000')), 'month 3, Sunday on or after day 8, 02:00');
  assert.equal(describeRule(readableRule('')), 'nothing');
});

/** Readings per local day, counted in the zone the codec chose. */
async function localDays(xml: string) {
  const { feed: f, readings } = await load(xml);
  const [up] = f.usagePoints;
  const perDay = new Map<string, number>();
  for (const r of readings.get(f.meterReadings[0])!) {
    const day = new Date((r.start + up.zone.offsetAt(r.start)) * 1000).toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  return { up, perDay, warnings: f.diagnostics.map((d) => d.code) };
}

test('real samples with their DST rules truncated: local days as with the whole rules (92 quarter hours on 11 March 2012; 23 and 25 hours in Pacific 2011)', async (t) => {
  const eastern = samplePath('test_usage_data.xml');
  const pacific = samplePath('Coastal_Multi_Family_12hr_Jan_1_2011_to_Jan_1_2012_RetailCustomer_3.xml');
  if (!eastern || !pacific) return t.skip('samples not present');
  const e = await localDays(
    readFileSync(eastern, 'utf8')
      .replace('<dstStartRule>360E2000<', '<dstStartRule>360E<')
      .replace('<dstEndRule>B40E2000<', '<dstEndRule><'),
  );
  assert.deepEqual([e.up.zoneSource, e.up.zone.name], ['inferred', 'America/New_York']);
  assert.ok(e.warnings.includes('dst-rule-truncated'));
  assert.deepEqual(
    [e.perDay.size, e.perDay.get('2012-03-10'), e.perDay.get('2012-03-11'), e.perDay.get('2012-03-12')],
    [14, 96, 92, 96],
  );

  const p = await localDays(
    readFileSync(pacific, 'utf8')
      .replace(/<dstStartRule>360E2000</, '<dstStartRule><')
      .replace(/<dstEndRule>B40E2000</, '<dstEndRule>B4<'),
  );
  assert.deepEqual([p.up.zoneSource, p.up.zone.name], ['inferred', 'America/Los_Angeles']);
  const odd = [...p.perDay].filter(([, n]) => n !== 24);
  assert.deepEqual(
    [p.perDay.size, odd],
    [
      365,
      [
        ['2011-03-13', 23],
        ['2011-11-06', 25],
      ],
    ],
  );
});
