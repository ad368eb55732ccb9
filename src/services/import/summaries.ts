import type { PoolClient } from 'pg';
import type { LinkedSummary, SummaryMeasurement } from '../../espi';
import type { LinkedUsagePoint } from '../../espi';
import { UsageSummaryEntity, UsageSummaryLineItemEntity } from '../../entities';
import { columnNames, type EntitySelect } from '../../entities/columns';

// UsageSummary / ElectricPowerUsageSummary: a few per usage point and file, so one statement each. A summary is
// keyed by (usage point, billing period start); on re-import its row is updated only when a figure changed, and its
// line items are replaced only when they differ.

const ts = (s: number | undefined) => (s === undefined ? null : new Date(s * 1000));
const measurement = (m: SummaryMeasurement | undefined) => [
  m?.value ?? null,
  m?.powerOfTenMultiplier ?? null,
  m?.uom ?? null,
  ts(m?.timeStamp),
];

// The columns `values` gives, in its order.
const COLUMNS = columnNames(UsageSummaryEntity, [
  'externalId',
  'billingPeriodDuration',
  'billLastPeriod',
  'billToDate',
  'costAdditionalLastPeriod',
  'currency',
  'overallConsumptionLastPeriodValue',
  'overallConsumptionLastPeriodMultiplier',
  'overallConsumptionLastPeriodUom',
  'overallConsumptionLastPeriodTimeStamp',
  'currentBillingPeriodOverAllConsumptionValue',
  'currentBillingPeriodOverAllConsumptionMultiplier',
  'currentBillingPeriodOverAllConsumptionUom',
  'currentBillingPeriodOverAllConsumptionTimeStamp',
  'qualityOfReading',
  'statusTimeStamp',
  'commodity',
  'readCycle',
  'tariffProfile',
  'otherMeasurements',
]);

function values(s: LinkedSummary): unknown[] {
  const f = s.fields;
  const { overallConsumptionLastPeriod, currentBillingPeriodOverAllConsumption, ...others } = f.measurements;
  const other: Record<string, unknown> = { ...others };
  if (f.ratchetDemand) other.ratchetDemand = f.ratchetDemand;
  if (f.ratchetDemandPeriod) other.ratchetDemandPeriod = f.ratchetDemandPeriod;
  return [
    s.entry.self ?? s.entry.id ?? null,
    f.billingPeriod?.duration ?? 0,
    f.billLastPeriod ?? null,
    f.billToDate ?? null,
    f.costAdditionalLastPeriod ?? null,
    f.currency ?? null,
    ...measurement(overallConsumptionLastPeriod),
    ...measurement(currentBillingPeriodOverAllConsumption),
    f.qualityOfReading ?? null,
    ts(f.statusTimeStamp),
    f.commodity ?? null,
    f.readCycle ?? null,
    f.tariffProfile ?? null,
    JSON.stringify(other),
  ];
}

function lineItems(s: LinkedSummary): unknown[][] {
  return s.fields.costAdditionalDetailLastPeriod.map((li) => [
    li.amount ?? 0,
    li.rounding ?? null,
    li.unitCost ?? null,
    li.measurement?.value ?? null,
    ts(li.dateTime)?.toISOString() ?? null,
    ts(li.itemPeriod?.start)?.toISOString() ?? null,
    li.itemPeriod?.duration ?? null,
    li.itemKind ?? null,
    li.measurement?.powerOfTenMultiplier ?? null,
    li.measurement?.uom ?? null,
    li.note ?? null,
  ]);
}
// The columns `lineItems` gives, in its order.
const LINE_ITEM_COLUMNS = columnNames(UsageSummaryLineItemEntity, [
  'amount',
  'rounding',
  'unitCost',
  'measurementValue',
  'dateTime',
  'itemPeriodStart',
  'itemPeriodDuration',
  'itemKind',
  'measurementMultiplier',
  'measurementUom',
  'note',
]).join(', ');

export const SUMMARY_SELECTS: readonly EntitySelect[] = [
  { entity: UsageSummaryEntity, columns: COLUMNS.join(', ') },
  { entity: UsageSummaryLineItemEntity, columns: LINE_ITEM_COLUMNS },
];

/** Returns warnings for summaries that cannot be stored (no usage point or no billing period). */
export async function upsertSummaries(
  client: PoolClient,
  summaries: LinkedSummary[],
  usagePointIds: Map<LinkedUsagePoint, string>,
  batchId: string | null,
): Promise<string[]> {
  const warnings: string[] = [];
  const set = COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  const params = COLUMNS.map((_, i) => `$${i + 4}`).join(', ');
  for (const s of summaries) {
    const usagePointId = s.usagePoint && usagePointIds.get(s.usagePoint);
    if (!usagePointId || !s.fields.billingPeriod) {
      warnings.push(
        `${s.type} at line ${s.entry.line}: ${usagePointId ? 'no billing period' : 'no usage point'}, not stored`,
      );
      continue;
    }
    const {
      rows: [{ id }],
    } = await client
      .query<{ id: string }>(
        `INSERT INTO usage_summary AS s (usage_point_id, billing_period_start, batch_id, ${COLUMNS.join(', ')})
       VALUES ($1, $2, $3, ${params})
       ON CONFLICT (usage_point_id, billing_period_start) DO UPDATE SET ${set}, batch_id = EXCLUDED.batch_id, updated_at = now()
       WHERE (${COLUMNS.map((c) => `s.${c}`).join(', ')}) IS DISTINCT FROM (${COLUMNS.map((c) => `EXCLUDED.${c}`).join(', ')})
       RETURNING id`,
        [usagePointId, ts(s.fields.billingPeriod.start), batchId, ...values(s)],
      )
      .then(async (res) =>
        res.rows.length
          ? res
          : client.query<{ id: string }>(
              `SELECT id FROM usage_summary WHERE usage_point_id = $1 AND billing_period_start = $2`,
              [usagePointId, ts(s.fields.billingPeriod?.start)],
            ),
      );
    const incoming = lineItems(s);
    const { rows: stored } = await client.query<{ items: unknown[][] | null }>(
      `SELECT json_agg(json_build_array(${LINE_ITEM_COLUMNS}) ORDER BY id) AS items
         FROM usage_summary_line_item WHERE usage_point_id = $1 AND usage_summary_id = $2`,
      [usagePointId, id],
    );
    if (JSON.stringify(normalize(stored[0].items ?? [])) === JSON.stringify(normalize(incoming))) continue;
    await client.query(`DELETE FROM usage_summary_line_item WHERE usage_point_id = $1 AND usage_summary_id = $2`, [
      usagePointId,
      id,
    ]);
    for (const item of incoming) {
      await client.query(
        `INSERT INTO usage_summary_line_item (usage_point_id, usage_summary_id, ${LINE_ITEM_COLUMNS})
         VALUES ($1, $2, ${item.map((_, i) => `$${i + 3}`).join(', ')})`,
        [usagePointId, id, ...item],
      );
    }
  }
  return warnings;
}

// json_agg gives bigints as numbers and timestamps in PostgreSQL's format: compare both sides as numbers and epochs.
function normalize(items: unknown[][]): unknown[][] {
  return items.map((row) => row.map((v) => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) : v)));
}
