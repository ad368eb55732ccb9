import type { ClientBase } from 'pg';

/**
 * What the demo generator needs of a tariff: the fields of the tariff module's TariffVersion (src/tariffs) it prices
 * with. Every price is a decimal string in the currency per tariff unit (kWh, therm).
 */
export interface DemoTariffVersion {
  code: string;
  unit: 'kWh' | 'therm';
  periods: { index: number; name: string; tiers: { max: number | null; rate: string }[]; sell: string | null }[];
  /** 12 months × 24 local hours → period index. */
  weekday: number[][];
  weekend: number[][];
  fixedMonthlyCharge: string;
}

/** The demo's share of taxes on a bill (fixed charge, energy and credits): not part of a tariff file. */
export const DEMO_TAX_RATE = '0.05';

const hours = (period: (hour: number) => number) => Array.from({ length: 12 }, () => Array.from({ length: 24 }, (_, h) => period(h)));

// The demo tariffs, as tariffs/demo-tou.json and tariffs/demo-gas.json publish them.
export const DEMO_TARIFFS: DemoTariffVersion[] = [
  {
    code: 'DEMO-TOU',
    unit: 'kWh',
    periods: [
      { index: 0, name: 'OFF_PEAK', tiers: [{ max: null, rate: '0.12' }], sell: '0.08' },
      { index: 1, name: 'ON_PEAK', tiers: [{ max: null, rate: '0.28' }], sell: '0.08' },
    ],
    weekday: hours((h) => (h >= 16 && h < 21 ? 1 : 0)),
    weekend: hours(() => 0),
    fixedMonthlyCharge: '10.00',
  },
  {
    code: 'DEMO-GAS',
    unit: 'therm',
    periods: [{ index: 0, name: 'ALL', tiers: [{ max: null, rate: '1.10' }], sell: null }],
    weekday: hours(() => 0),
    weekend: hours(() => 0),
    fixedMonthlyCharge: '8.00',
  },
];

export const DEMO_ELECTRICITY_TARIFF = 'DEMO-TOU';
export const DEMO_GAS_TARIFF = 'DEMO-GAS';

// The demo's channels count Wh and millitherms: a thousandth of the tariff unit. Costs are in 1/100000 of the
// currency, so a price per tariff unit times 10^5 / 10^3 is the cost of one raw unit.
const RAW_UNIT_PRICE = 100;

/**
 * Two temporary tables for the generator's statements: `demo_price` (tariff, weekend, month 1–12, local hour 0–23 →
 * cost of one raw unit in 1/100000 of the currency) from the tariffs' 12 × 24 schedules, and `demo_tariff` (code →
 * fixed monthly charge and export credit per raw unit, same scale; `unit_price` when one price holds at every hour).
 * The demo prices with a tariff's first tier: a tiered tariff would need the billing month's running total per read.
 */
export async function createDemoPriceTables(client: ClientBase, tariffs: DemoTariffVersion[]): Promise<void> {
  const prices: { tariff: string; weekend: boolean; month: number; hour: number; rate: string }[] = [];
  for (const t of tariffs) {
    const tiered = t.periods.find((p) => p.tiers.length !== 1);
    if (tiered) throw new Error(`demo tariff ${t.code}: period ${tiered.name} has ${tiered.tiers.length} tiers; the demo prices single-tier tariffs only`);
    const byIndex = new Map(t.periods.map((p) => [p.index, p]));
    for (const [weekend, schedule] of [[false, t.weekday], [true, t.weekend]] as const) {
      schedule.forEach((row, m) =>
        row.forEach((index, hour) => {
          const period = byIndex.get(index);
          if (!period) throw new Error(`demo tariff ${t.code}: its schedule names period ${index}, which it does not define`);
          prices.push({ tariff: t.code, weekend, month: m + 1, hour, rate: period.tiers[0].rate });
        }),
      );
    }
  }
  const column = <K extends keyof (typeof prices)[number]>(key: K) => prices.map((p) => p[key]);
  await client.query(
    `CREATE TEMP TABLE demo_price ON COMMIT DROP AS
     SELECT tariff, weekend, month, hour, rate::numeric * ${RAW_UNIT_PRICE} AS price
       FROM unnest($1::text[], $2::boolean[], $3::int[], $4::int[], $5::text[]) x(tariff, weekend, month, hour, rate)`,
    [column('tariff'), column('weekend'), column('month'), column('hour'), column('rate')],
  );
  await client.query(
    `CREATE TEMP TABLE demo_tariff ON COMMIT DROP AS
     SELECT x.code, round(x.fixed::numeric * 100000)::bigint AS fixed, x.sell::numeric * ${RAW_UNIT_PRICE} AS sell,
            (SELECT CASE WHEN min(p.price) = max(p.price) THEN min(p.price) END FROM demo_price p WHERE p.tariff = x.code) AS unit_price
       FROM unnest($1::text[], $2::text[], $3::text[]) x(code, fixed, sell)`,
    [tariffs.map((t) => t.code), tariffs.map((t) => t.fixedMonthlyCharge), tariffs.map((t) => t.periods.find((p) => p.sell !== null)?.sell ?? null)],
  );
}
