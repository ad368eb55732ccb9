import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedCharges, TariffPricer, type LocalInterval } from '../../src/tariffs/pricing';
import { parseUrdb } from '../../src/tariffs/urdb';

const grid = (f: (hour: number) => number) =>
  Array.from({ length: 12 }, () => Array.from({ length: 24 }, (_, h) => f(h)));
const tou = parseUrdb(
  {
    label: 'tou',
    name: 'TOU',
    energyratestructure: [[{ rate: 0.12 }], [{ rate: 0.28 }]],
    energytoulabels: ['OFF_PEAK', 'ON_PEAK'],
    energyweekdayschedule: grid((h) => (h >= 16 && h < 21 ? 1 : 0)),
    energyweekendschedule: grid(() => 0),
    fixedchargefirstmeter: 10,
  },
  't',
);
const tiered = parseUrdb(
  {
    label: 'tiers',
    name: 'TIERS',
    energyratestructure: [[{ max: 500, rate: 0.15 }, { rate: 0.19 }]],
    energyweekdayschedule: grid(() => 0),
    energyweekendschedule: grid(() => 0),
  },
  't',
);

const interval = (value: number, hour: number, window = '2025-01', weekend = false): LocalInterval => ({
  at: 0,
  value: BigInt(value),
  month: 1,
  hour,
  weekend,
  window,
});

test('an interval is priced by the period of its local start hour, exactly, in 10^-5 of the currency', () => {
  const pricer = new TariffPricer(tou, -3); // Wh readings, rates per kWh
  assert.deepEqual(
    [interval(1234, 15), interval(1234, 16), interval(1234, 16, '2025-01', true)].map((i) => {
      const { period, cost } = pricer.price(i);
      return [period.name, cost];
    }),
    [
      ['OFF_PEAK', 14808n],
      ['ON_PEAK', 34552n],
      ['OFF_PEAK', 14808n],
    ],
  );
});

test('tiers accumulate over the window and an interval crossing a block limit is split across it', () => {
  const pricer = new TariffPricer(tiered, -3);
  assert.equal(pricer.price(interval(499_000, 0)).cost, 7_485_000n); // 499 kWh × 0.15
  assert.equal(pricer.price(interval(2_000, 1)).cost, 15_000n + 19_000n); // 1 kWh at 0.15, 1 kWh at 0.19
  assert.equal(pricer.price(interval(1_000, 2)).cost, 19_000n);
  assert.equal(
    pricer.price(interval(1_000, 2, '2025-02')).cost,
    15_000n,
    'a new month starts at the first block again',
  );
});

test('costs round once per interval, half away from zero', () => {
  const odd = parseUrdb(
    {
      label: 'o',
      name: 'O',
      energyratestructure: [[{ rate: 0.123456789 }]],
      energyweekdayschedule: grid(() => 0),
      energyweekendschedule: grid(() => 0),
    },
    't',
  );
  const pricer = new TariffPricer(odd, -3);
  assert.equal(pricer.price(interval(1, 0)).cost, 12n); // 0.001 kWh × 0.123456789 = 0.000123456789 → 12.3456789 units
  assert.equal(pricer.price(interval(5, 0)).cost, 62n); // 61.728 → 62
});

test('fixed charges: whole months in full, partial months pro rata by day', () => {
  assert.equal(
    fixedCharges(tou, [
      { start: 0, days: 31, billedDays: 31 },
      { start: 0, days: 30, billedDays: 15 },
    ]),
    1_000_000n + 500_000n,
  );
});
