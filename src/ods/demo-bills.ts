import type { ClientBase } from 'pg';
import { DEMO_TAX_RATE } from './demo-tariffs';

// ESPI ItemKind codes of the demo's line items.
const ENERGY_USAGE_FEE = 3;
const ADMINISTRATIVE_FEE = 4;
const TAX = 5;
const ENERGY_GENERATION_CREDIT = 6;

/**
 * The demo's billing periods: an account's billing_cycle is the day of the month (1–28; anything else: the 1st) on
 * which its cycles start, at local midnight of its service location, so a period is [day N of a month, day N of the
 * next) in local time, 28 to 31 local days whatever the DST changes. Only periods wholly inside the generated reads
 * [from, end) are billed.
 */
const PERIODS = `
CREATE TEMP TABLE demo_bill ON COMMIT DROP AS
SELECT (u.usage_point_id * 1000 + row_number() OVER (PARTITION BY u.usage_point_id ORDER BY p.period_start))::bigint AS bill_id,
       u.usage_point_id, u.tariff, p.period_start, p.period_end, d.channel_id AS delivered, r.channel_id AS received,
       d.uom, d.power_of_ten, least(p.period_end + interval '2 days', $2::timestamptz) AS issued_at,
       (p.period_end AT TIME ZONE l.time_zone)::date - (p.period_start AT TIME ZONE l.time_zone)::date AS days
  FROM ods.usage_point u
  JOIN ods.service_location l USING (location_id)
  JOIN ods.account a USING (account_id)
  JOIN ods.channel d ON d.usage_point_id = u.usage_point_id AND d.flow_direction = 1
  LEFT JOIN ods.channel r ON r.usage_point_id = u.usage_point_id AND r.flow_direction = 19
 CROSS JOIN LATERAL (SELECT CASE WHEN a.billing_cycle ~ '^[0-9]{1,2}$' AND a.billing_cycle::int BETWEEN 1 AND 28
                                 THEN a.billing_cycle::int ELSE 1 END AS cycle_day) c
 CROSS JOIN LATERAL generate_series(date_trunc('month', $1::timestamptz AT TIME ZONE l.time_zone),
                                    $2::timestamptz AT TIME ZONE l.time_zone, interval '1 month') m(month)
 CROSS JOIN LATERAL (SELECT (m.month + (c.cycle_day - 1) * interval '1 day') AT TIME ZONE l.time_zone AS period_start,
                            (m.month + interval '1 month' + (c.cycle_day - 1) * interval '1 day') AT TIME ZONE l.time_zone AS period_end) p
 WHERE u.tariff IS NOT NULL AND p.period_start >= $1 AND p.period_end <= $2`;

// The line items of every bill, from the reads: the energy charge is exactly the sum of the delivered reads' costs
// (priced by the tariff when generated), the export credit the received energy at the tariff's sell price, the
// customer charge the tariff's fixed monthly charge, and the taxes a share of the rest.
const LINE_ITEMS = `
CREATE TEMP TABLE demo_bill_line ON COMMIT DROP AS
WITH sums AS (
  SELECT b.bill_id, t.fixed_monthly + round(t.fixed_daily * b.days)::bigint AS fixed, t.sell, t.unit_price, e.consumption, e.energy,
         x.exported, b.received IS NOT NULL AS solar
    FROM demo_bill b
    -- The version in force when the period starts sets its fixed charges and export credit.
    JOIN demo_tariff t ON t.code = b.tariff AND b.period_start >= t.valid_from AND b.period_start < t.valid_to
   CROSS JOIN LATERAL (SELECT coalesce(sum(i.value), 0) AS consumption, coalesce(sum(i.cost), 0) AS energy
                         FROM ods.interval_read i WHERE i.channel_id = b.delivered AND i.start >= b.period_start AND i.start < b.period_end) e
   CROSS JOIN LATERAL (SELECT coalesce(sum(i.value), 0) AS exported
                         FROM ods.interval_read i WHERE i.channel_id = b.received AND i.start >= b.period_start AND i.start < b.period_end) x
), items AS (
  SELECT s.*, -round(s.exported * coalesce(s.sell, 0))::bigint AS credit FROM sums s
)
SELECT bill_id, 1 AS line_no, 'energy' AS kind, ${ENERGY_USAGE_FEE} AS item_kind, 'Energy charge' AS description, energy::bigint AS amount,
       round(unit_price)::bigint AS unit_cost, consumption::bigint AS quantity FROM items
UNION ALL
SELECT bill_id, 2, 'fixed', ${ADMINISTRATIVE_FEE}, 'Customer charge', fixed, NULL, NULL FROM items
UNION ALL
SELECT bill_id, 3, 'credit', ${ENERGY_GENERATION_CREDIT}, 'Solar export credit', credit, round(sell)::bigint, exported::bigint FROM items WHERE solar
UNION ALL
SELECT bill_id, 4, 'tax', ${TAX}, 'Taxes (' || ($1::numeric * 100)::float8 || ' %)', round((energy + fixed + credit) * $1::numeric)::bigint, NULL, NULL FROM items`;

/** Monthly bills of every usage point with a tariff, computed from the reads already generated; returns how many. */
export async function insertDemoBills(client: ClientBase, from: Date, end: Date): Promise<number> {
  await client.query(PERIODS, [from, end]);
  await client.query(LINE_ITEMS, [DEMO_TAX_RATE]);
  const { rowCount } = await client.query(
    `INSERT INTO ods.bill (bill_id, usage_point_id, period_start, period_end, tariff, amount, consumption, uom, power_of_ten, issued_at)
     SELECT b.bill_id, b.usage_point_id, b.period_start, b.period_end, b.tariff, l.amount, l.consumption, b.uom, b.power_of_ten, b.issued_at
       FROM demo_bill b
       JOIN (SELECT bill_id, sum(amount)::bigint AS amount, max(quantity) FILTER (WHERE kind = 'energy') AS consumption
               FROM demo_bill_line GROUP BY bill_id) l USING (bill_id)`,
  );
  await client.query(
    `INSERT INTO ods.bill_line_item (bill_id, line_no, kind, item_kind, description, amount, unit_cost, quantity)
     SELECT bill_id, line_no, kind, item_kind, description, amount, unit_cost, quantity FROM demo_bill_line ORDER BY bill_id, line_no`,
  );
  return rowCount ?? 0;
}
