import type { ClientBase } from 'pg';
import type { EspiUsageSummaryRecord } from '../espi';
import type { ChangeRange } from './extract-queries';

// Bills of the extract contract (docs/ods.md): ods.bill and its ods.bill_line_item, written as ESPI UsageSummary
// entries of their usage point's feed. A bill is changed when its row or one of its line items is; a `--since`
// re-extract takes the bills issued since then.

const changed = (alias: string) => `(${alias}.change_seq > $1::bigint AND ${alias}.change_seq <= $2::bigint)`;

/** SQL condition (parameters $1 after, $2 upTo, $3 since) on a bill `b`: it belongs to the range. */
export const BILL_CHANGED = `(CASE WHEN $3::timestamptz IS NULL
  THEN ${changed('b')} OR EXISTS (SELECT 1 FROM ods.bill_line_item i WHERE i.bill_id = b.bill_id AND ${changed('i')})
  ELSE b.issued_at >= $3 AND b.change_seq <= $2::bigint END)`;

interface BillRow {
  usage_point_id: string;
  period_start: number;
  period_end: number;
  tariff: string;
  amount: string;
  consumption: string;
  uom: number;
  power_of_ten: number;
  currency: number;
  issued_at: number;
  commodity: number | null;
  read_cycle: string | null;
  items: {
    kind: string;
    item_kind: number;
    description: string;
    amount: string;
    unit_cost: string | null;
    quantity: string | null;
  }[];
}

/** The changed bills of some usage points, as UsageSummary records by usage point id, each usage point's by period. */
export async function changedBills(
  client: ClientBase,
  range: ChangeRange,
  usagePointIds: string[],
): Promise<Map<string, EspiUsageSummaryRecord[]>> {
  const { rows } = await client.query<BillRow>(
    `SELECT b.usage_point_id::text, extract(epoch FROM b.period_start)::bigint AS period_start, extract(epoch FROM b.period_end)::bigint AS period_end,
            b.tariff, b.amount::text, b.consumption::text, b.uom, b.power_of_ten, b.currency, extract(epoch FROM b.issued_at)::bigint AS issued_at,
            (SELECT c.commodity FROM ods.channel c WHERE c.usage_point_id = b.usage_point_id AND c.flow_direction = 1 ORDER BY c.channel_id LIMIT 1) AS commodity,
            a.billing_cycle AS read_cycle,
            (SELECT json_agg(json_build_object('kind', i.kind, 'item_kind', i.item_kind, 'description', i.description, 'amount', i.amount::text,
                                               'unit_cost', i.unit_cost::text, 'quantity', i.quantity::text) ORDER BY i.line_no)
               FROM ods.bill_line_item i WHERE i.bill_id = b.bill_id) AS items
       FROM ods.bill b JOIN ods.usage_point u USING (usage_point_id) JOIN ods.service_location l USING (location_id) JOIN ods.account a USING (account_id)
      WHERE b.usage_point_id = ANY($4::bigint[]) AND ${BILL_CHANGED}
      ORDER BY b.usage_point_id, b.period_start`,
    [range.after, range.upTo, range.since ?? null, usagePointIds],
  );
  const byUsagePoint = new Map<string, EspiUsageSummaryRecord[]>();
  for (const row of rows) {
    const list = byUsagePoint.get(row.usage_point_id) ?? [];
    list.push(usageSummaryOf(row));
    byUsagePoint.set(row.usage_point_id, list);
  }
  return byUsagePoint;
}

const integer = (text: string) => Number(BigInt(text));

function usageSummaryOf(b: BillRow): EspiUsageSummaryRecord {
  const period = { start: Number(b.period_start), duration: Number(b.period_end) - Number(b.period_start) };
  const issued = Number(b.issued_at);
  const items = b.items ?? [];
  const energy = items.filter((i) => i.kind === 'energy').reduce((n, i) => n + integer(i.amount), 0);
  const measurement = (value: string) => ({ powerOfTenMultiplier: b.power_of_ten, uom: b.uom, value: integer(value) });
  return {
    type: 'UsageSummary',
    fields: {
      billingPeriod: period,
      billLastPeriod: integer(b.amount),
      // What the bill adds to the energy its reads cost: fixed charges, credits and taxes.
      costAdditionalLastPeriod: integer(b.amount) - energy,
      costAdditionalDetailLastPeriod: items.map((i) => ({
        amount: integer(i.amount),
        dateTime: issued,
        note: i.description,
        measurement: i.quantity === null ? undefined : measurement(i.quantity),
        itemKind: i.item_kind,
        unitCost: i.unit_cost === null ? undefined : integer(i.unit_cost),
        itemPeriod: period,
      })),
      currency: b.currency,
      measurements: {
        overallConsumptionLastPeriod: { ...measurement(b.consumption), timeStamp: Number(b.period_end) },
      },
      statusTimeStamp: issued,
      commodity: b.commodity ?? undefined,
      tariffProfile: b.tariff,
      readCycle: b.read_cycle ?? undefined,
    },
  };
}
