import { resolve } from 'node:path';
import type { ClientBase } from 'pg';
import { byValidFrom } from '../tariffs/schedule';
import type { TariffVersion } from '../tariffs/tariff';
import { readTariffFile } from '../tariffs/urdb';

/** The demo's share of taxes on a bill (fixed charge, energy and credits): not part of a tariff file. */
export const DEMO_TAX_RATE = '0.05';

export const DEMO_TOU_TARIFF = 'DEMO-TOU';
export const DEMO_FLAT_TARIFF = 'DEMO-FLAT';
export const DEMO_GAS_TARIFF = 'DEMO-GAS';

/** The tariff files the product ships (tariffs/, at the package root): what the demo ODS prices and bills with. */
const DEMO_TARIFF_FILES = ['demo-tou.json', 'demo-flat.json', 'demo-gas.json'].map((file) =>
  resolve(__dirname, '..', '..', '..', 'tariffs', file),
);

export async function readDemoTariffs(): Promise<TariffVersion[]> {
  return (await Promise.all(DEMO_TARIFF_FILES.map(readTariffFile))).flat();
}

// The demo's channels count Wh and millitherms: a thousandth of the tariff unit (kWh, therm). Costs are in 1/100000
// of the currency, so a price per tariff unit times 10^5 / 10^3 is the cost of one raw unit, and a block limit in
// tariff units is 1000 raw units each.
const RAW_UNIT_PRICE = 100;
const RAW_UNITS_PER_UNIT = 1000;

interface PriceRow {
  tariff: string;
  validFrom: Date | null;
  validTo: Date | null;
  weekend: boolean;
  month: number;
  hour: number;
  tierFrom: number;
  tierTo: number | null;
  rate: string;
}

/** Every version with its [from, to): from its start until its own end or the next version of its tariff's start. */
function validity(tariffs: TariffVersion[]): { version: TariffVersion; from: Date | null; to: Date | null }[] {
  return [...new Set(tariffs.map((t) => t.code))].flatMap((code) => {
    const ordered = byValidFrom(tariffs.filter((t) => t.code === code));
    return ordered.map((version, i) => {
      const next = ordered[i + 1]?.validFrom ?? null;
      const to =
        version.validTo && next
          ? new Date(Math.min(version.validTo.getTime(), next.getTime()))
          : (version.validTo ?? next);
      return { version, from: version.validFrom, to };
    });
  });
}

function priceRows(tariffs: TariffVersion[]): PriceRow[] {
  const rows: PriceRow[] = [];
  for (const { version, from, to } of validity(tariffs)) {
    const tariff = version.code;
    if (version.tierWindow !== 'month')
      throw new Error(`demo tariff ${tariff}: the demo prices monthly blocks only, not ${version.tierWindow}`);
    for (const [weekend, schedule] of [
      [false, version.weekday],
      [true, version.weekend],
    ] as const) {
      schedule.forEach((hours, m) =>
        hours.forEach((index, hour) => {
          let tierFrom = 0;
          for (const tier of version.periods[index].tiers) {
            const tierTo = tier.max === null ? null : tier.max * RAW_UNITS_PER_UNIT;
            rows.push({
              tariff,
              validFrom: from,
              validTo: to,
              weekend,
              month: m + 1,
              hour,
              tierFrom,
              tierTo,
              rate: tier.rate,
            });
            tierFrom = tierTo ?? tierFrom;
          }
        }),
      );
    }
  }
  return rows;
}

/**
 * Two temporary tables for the generator's statements, from the tariffs' versions and 12 × 24 schedules:
 * `demo_price` (tariff, validity, weekend, local month 1–12 and hour 0–23, block [tier_from, tier_to) of the local
 * month's running total in raw units → cost of one raw unit in 1/100000 of the currency) and `demo_tariff` (each
 * version's fixed charges and export credit per raw unit on the same scale, `unit_price` when one price holds at every
 * hour and block, `tiered` when it has blocks).
 */
export async function createDemoPriceTables(client: ClientBase, tariffs: TariffVersion[]): Promise<void> {
  const rows = priceRows(tariffs);
  const column = <K extends keyof PriceRow>(key: K) => rows.map((p) => p[key]);
  await client.query(
    `CREATE TEMP TABLE demo_price ON COMMIT DROP AS
     SELECT tariff, coalesce(valid_from, '-infinity') AS valid_from, coalesce(valid_to, 'infinity') AS valid_to, weekend, month, hour,
            tier_from, tier_to, rate::numeric * ${RAW_UNIT_PRICE} AS price
       FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::boolean[], $5::int[], $6::int[], $7::bigint[], $8::bigint[], $9::text[])
            x(tariff, valid_from, valid_to, weekend, month, hour, tier_from, tier_to, rate)`,
    [
      column('tariff'),
      column('validFrom'),
      column('validTo'),
      column('weekend'),
      column('month'),
      column('hour'),
      column('tierFrom'),
      column('tierTo'),
      column('rate'),
    ],
  );
  const versions = validity(tariffs);
  await client.query(
    `CREATE TEMP TABLE demo_tariff ON COMMIT DROP AS
     SELECT x.code, coalesce(x.valid_from, '-infinity') AS valid_from, coalesce(x.valid_to, 'infinity') AS valid_to,
            round(x.monthly::numeric * 100000)::bigint AS fixed_monthly, x.daily::numeric * 100000 AS fixed_daily,
            x.sell::numeric * ${RAW_UNIT_PRICE} AS sell,
            (SELECT CASE WHEN min(p.price) = max(p.price) THEN min(p.price) END FROM demo_price p WHERE p.tariff = x.code) AS unit_price,
            EXISTS (SELECT 1 FROM demo_price p WHERE p.tariff = x.code AND p.tier_from > 0) AS tiered
       FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) x(code, valid_from, valid_to, monthly, daily, sell)`,
    [
      versions.map((v) => v.version.code),
      versions.map((v) => v.from),
      versions.map((v) => v.to),
      versions.map((v) => v.version.fixedMonthlyCharge),
      versions.map((v) => v.version.fixedDailyCharge),
      versions.map((v) => v.version.periods.find((p) => p.sell !== null)?.sell ?? null),
    ],
  );
}

/** SQL condition: price row `p` applies to a read of tariff `tariff` starting at `start`, at local time `local`. */
export const priceApplies = (tariff: string, start: string, local: string) =>
  `p.tariff = ${tariff} AND p.weekend = (date_part('isodow', ${local}) >= 6) AND p.month = date_part('month', ${local})::int
   AND p.hour = date_part('hour', ${local})::int AND ${start} >= p.valid_from AND ${start} < p.valid_to`;

/**
 * Prices the reads of tariffs with blocks, as the tariff module does: each read's value is split over the blocks of
 * its local month's running total (reads before it in the month, in time order) and priced per block, rounded once.
 * Runs after the reads are final (estimates and corrections), since every later read's block depends on them.
 */
export async function priceTieredReads(client: ClientBase): Promise<void> {
  const { rows } = await client.query<{ channel: string; first_block: string }>(
    `SELECT c.channel_id AS channel, b.first_block FROM demo_channel c
       JOIN (SELECT tariff, min(tier_to) AS first_block FROM demo_price GROUP BY tariff) b USING (tariff)
      WHERE c.role <> 'received' AND b.first_block IS NOT NULL`,
  );
  if (rows.length === 0) return;
  // A year of a channel's reads is sorted by local month: in memory, not on disk.
  await client.query(`SET LOCAL work_mem = '64MB'`);
  // Reads wholly in the first block keep the price they were generated with; only those reaching past it are priced
  // again, block by block.
  await client.query(
    `UPDATE ods.interval_read i SET cost = x.cost
       FROM (SELECT r.channel_id, r.start,
                    round(sum(greatest(0, least(r.before + r.value, coalesce(p.tier_to, r.before + r.value)) - greatest(r.before, p.tier_from)) * p.price))::bigint AS cost
               FROM (SELECT i.channel_id, i.start, i.value, c.tariff, l.t, t.first_block,
                            coalesce(sum(i.value) OVER (PARTITION BY i.channel_id, date_trunc('month', l.t) ORDER BY i.start
                                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
                       FROM unnest($1::bigint[], $2::bigint[]) t(channel_id, first_block)
                       JOIN demo_channel c USING (channel_id) JOIN ods.interval_read i USING (channel_id)
                      CROSS JOIN LATERAL (SELECT i.start AT TIME ZONE c.zone AS t) l) r
               JOIN demo_price p ON ${priceApplies('r.tariff', 'r.start', 'r.t')}
              WHERE r.before + r.value > r.first_block
              GROUP BY r.channel_id, r.start) x
      WHERE i.channel_id = x.channel_id AND i.start = x.start AND i.cost IS DISTINCT FROM x.cost`,
    [rows.map((r) => r.channel), rows.map((r) => r.first_block)],
  );
}
