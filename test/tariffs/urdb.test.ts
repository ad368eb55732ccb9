import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseUrdb, readTariffFile } from '../../src/tariffs/urdb';
import { periodAt, versionAt } from '../../src/tariffs/schedule';
import { TariffError } from '../../src/tariffs/tariff';

const TARIFFS = join(__dirname, '../../../tariffs');
const flat = (period = 0) => Array.from({ length: 12 }, () => Array.from({ length: 24 }, () => period));

function item(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    label: 'v1',
    name: 'E-1',
    utility: 'Test Utility',
    energyratestructure: [[{ rate: 0.18081, adj: 0.01, unit: 'kWh' }]],
    energyweekdayschedule: flat(),
    energyweekendschedule: flat(),
    fixedchargefirstmeter: 10,
    fixedchargeunits: '$/month',
    ...overrides,
  };
}

test('the shipped demo tariffs parse: periods by local weekday hour, fixed charges, export credit', async () => {
  const [tou] = await readTariffFile(join(TARIFFS, 'demo-tou.json'));
  assert.equal(tou.code, 'DEMO-TOU');
  assert.deepEqual(
    tou.periods.map((p) => [p.name, p.tiers[0].rate, p.sell]),
    [
      ['OFF_PEAK', '0.12', '0.08'],
      ['ON_PEAK', '0.28', '0.08'],
    ],
  );
  assert.equal(periodAt(tou, 7, 16, false).name, 'ON_PEAK');
  assert.equal(periodAt(tou, 7, 20, false).name, 'ON_PEAK');
  assert.equal(periodAt(tou, 7, 21, false).name, 'OFF_PEAK');
  assert.equal(periodAt(tou, 7, 17, true).name, 'OFF_PEAK');
  assert.equal(tou.fixedMonthlyCharge, '10');
  const [flatRate] = await readTariffFile(join(TARIFFS, 'demo-flat.json'));
  assert.deepEqual(flatRate.periods[0].tiers, [
    { max: 500, rate: '0.15' },
    { max: null, rate: '0.19' },
  ]);
  const [gas] = await readTariffFile(join(TARIFFS, 'demo-gas.json'));
  assert.equal(gas.unit, 'therm');
});

test('rate + adj is the exact published decimal sum; labels name the periods, else they are numbered', () => {
  const [version] = parseUrdb(
    {
      items: [
        item({
          energyratestructure: [[{ rate: 0.1, adj: 0.2 }], [{ rate: 0.18081, adj: -0.00081 }]],
          energyweekdayschedule: flat(1),
        }),
      ],
    },
    't',
  );
  assert.deepEqual(
    version.periods.map((p) => [p.name, p.tiers[0].rate]),
    [
      ['PERIOD_1', '0.3'],
      ['PERIOD_2', '0.18'],
    ],
  );
});

test('versions: a change of rate applies from its start date', () => {
  const versions = parseUrdb(
    [
      item({ label: 'new', startdate: Date.UTC(2025, 5, 1) / 1000 }),
      item({ label: 'old', startdate: Date.UTC(2024, 0, 1) / 1000 }),
    ],
    't',
  );
  assert.deepEqual(
    versions.map((v) => v.label),
    ['old', 'new'],
  );
  assert.equal(versionAt(versions, Date.UTC(2025, 4, 31, 23))?.label, 'old');
  assert.equal(versionAt(versions, Date.UTC(2025, 5, 1))?.label, 'new');
  assert.equal(versionAt(versions, Date.UTC(2023, 11, 31)), null);
});

test('demand charges are kept as unpriced parts, not dropped silently', () => {
  const [version] = parseUrdb(
    item({ flatdemandstructure: [[{ rate: 1.91 }]], flatdemandmonths: flat()[0].slice(0, 12) }),
    't',
  );
  assert.match(version.unpriced.join(), /flat demand charges/);
});

test('unusable files are refused naming the field at fault', () => {
  const refused = (json: unknown, field: string | RegExp) =>
    assert.throws(
      () => parseUrdb(json, 'file.json'),
      (e: unknown) => e instanceof TariffError && (typeof field === 'string' ? e.field === field : field.test(e.field)),
    );
  refused(item({ label: undefined }), 'label');
  refused(item({ energyratestructure: [] }), 'energyratestructure');
  refused(item({ energyweekdayschedule: flat().slice(1) }), 'energyweekdayschedule');
  refused(item({ energyweekendschedule: flat(3) }), /^energyweekendschedule\[0\]\[0\]$/);
  refused(item({ energyratestructure: [[{ rate: 0.1, unit: 'kWh/kW' }]] }), 'energyratestructure[0][0].unit');
  refused(
    item({ energyratestructure: [[{ rate: 0.1, max: 500 }, { rate: 0.2, max: 400 }, { rate: 0.3 }]] }),
    'energyratestructure[0][1].max',
  );
  refused(item({ fixedchargeunits: '$/year' }), 'fixedchargeunits');
  refused(item({ energyratestructure: [[{ rate: 'cheap' }]] }), 'energyratestructure[0][0].rate');
  refused([item(), item()], 'label');
});
