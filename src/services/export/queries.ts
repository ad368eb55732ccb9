import type { PoolClient } from 'pg';
import { UsagePointEntity } from '../../entities';
import { entityFields, selectColumns, type EntityRow, type EntitySelect } from '../../entities/columns';
import type { AccessScope } from '../access/access-scope';
import { personalDataFor } from '../customers/redaction';
import { readingTypeOfRow } from '../reading-type-columns';
import {
  readingTypeSignature,
  type EspiIntervalReading,
  type EspiLineItem,
  type ReadingTypeFields,
  type SummaryMeasurement,
  type UsageSummaryFields,
} from '../../espi';

// What the exports read, in an order that depends only on natural keys (hrefs, reading-type codes, times), never on
// database ids: the same data exported from two databases gives the same bytes.

const EXPORTED_USAGE_POINT_FIELDS = entityFields<UsagePointEntity>()([
  'id',
  'externalId',
  'name',
  'status',
  'roleFlags',
  'tariffProfile',
  'tzOffset',
  'dstOffset',
  'dstStartRule',
  'dstEndRule',
]);
/** A usage point as the exports write it: its ESPI kind as serviceKind, and its zone UTC when it has none. */
export type ExportedUsagePointRow = EntityRow<UsagePointEntity, typeof EXPORTED_USAGE_POINT_FIELDS> & {
  serviceKind: number;
  timeZone: string;
};
const EXPORTED_USAGE_POINT_COLUMNS = `${selectColumns(UsagePointEntity, EXPORTED_USAGE_POINT_FIELDS, '')},
  service_category_kind AS "serviceKind", coalesce(time_zone, 'UTC') AS "timeZone"`;
export const EXPORT_SELECTS: readonly EntitySelect[] = [
  { entity: UsagePointEntity, columns: EXPORTED_USAGE_POINT_COLUMNS },
];

/** The usage points every export writes, their names as the scope may see them (OPS: none). */
export async function usagePointRows(
  client: PoolClient,
  ids: readonly string[],
  scope: AccessScope,
): Promise<ExportedUsagePointRow[]> {
  const { rows } = await client.query<ExportedUsagePointRow>(
    `SELECT ${EXPORTED_USAGE_POINT_COLUMNS}
       FROM usage_point WHERE id = ANY($1::bigint[]) ORDER BY external_id`,
    [ids],
  );
  return rows.map((row) => personalDataFor(scope, 'usagePoint', row));
}

export interface ExportedSeriesRow {
  id: string;
  readingType: ReadingTypeFields;
  /** Of the reading type: what the export groups and names series by. */
  signature: string;
}

// Delivered, received, net, then the rest: the order a customer reads a solar home's file in.
const FLOW_ORDER = [1, 19, 4];
const flowRank = (rt: ReadingTypeFields) => {
  const i = FLOW_ORDER.indexOf(rt.flowDirection ?? 1);
  return i < 0 ? FLOW_ORDER.length : i;
};

/** The usage point's series, optionally only one, ordered by flow and then by what they measure. */
export async function seriesRows(
  client: PoolClient,
  usagePointId: string,
  onlyMeterReading?: string,
): Promise<ExportedSeriesRow[]> {
  const { rows } = await client.query<Record<string, string | number | null>>(
    `SELECT m.id::text AS meter_reading_id, t.* FROM meter_reading m JOIN reading_type t ON t.id = m.reading_type_id
      WHERE m.usage_point_id = $1 AND ($2::bigint IS NULL OR m.id = $2)`,
    [usagePointId, onlyMeterReading ?? null],
  );
  return rows
    .map((row) => {
      const readingType = readingTypeOfRow(row);
      return { id: String(row.meter_reading_id), readingType, signature: readingTypeSignature(readingType) };
    })
    .sort(
      (a, b) =>
        flowRank(a.readingType) - flowRank(b.readingType) ||
        (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0),
    );
}

export interface RangeFilter {
  /** Readings starting in [from, to); either end open when absent. */
  from?: Date;
  to?: Date;
  /** Only rows last written in [updatedMin, updatedMax). */
  updatedMin?: Date;
  updatedMax?: Date;
}

export interface ExportReading extends Omit<EspiIntervalReading, 'line'> {
  /** Local calendar date of the start (YYYY-MM-DD) in the session's time zone. */
  day: string;
  /** Local start and end with their UTC offsets, for the CSV. */
  localStart?: string;
  localEnd?: string;
}

export const PAGE_ROWS = 8192;

/** Bits of the quality mask back to ESPI QualityOfReading codes, lowest first. */
function qualityCodes(mask: number): number[] | undefined {
  if (mask === 0) return undefined;
  const codes: number[] = [];
  for (let code = 0; code < 31; code++) if (mask & (1 << code)) codes.push(code);
  return codes;
}

/**
 * The series' readings in time order, in keyset pages of the primary key, so memory holds two pages whatever the
 * range. Local dates are those of the transaction's `TimeZone` (see `useZone`).
 */
export async function* readingPages(
  client: PoolClient,
  usagePointId: string,
  meterReadingId: string,
  range: RangeFilter,
  withLocalTimes = false,
  pageRows = PAGE_ROWS,
): AsyncGenerator<ExportReading[]> {
  const local = withLocalTimes
    ? `, to_char(start, 'YYYY-MM-DD"T"HH24:MI:SSOF'), to_char(start + duration * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SSOF')`
    : '';
  const limit = Math.max(1, Math.floor(pageRows));
  // The cursor is the last start in epoch seconds: starts are whole seconds, and no row then costs a Date.
  const fetchPage = (after: string | null) =>
    client.query<unknown[]>({
      text: `SELECT extract(epoch FROM start)::bigint::text, duration, value::text, cost::text, quality, tou, cpp, consumption_tier,
                    to_char(start, 'YYYY-MM-DD')${local}
               FROM interval_reading
              WHERE usage_point_id = $1 AND meter_reading_id = $2
                AND start >= coalesce($3::timestamptz, '-infinity') AND start < coalesce($4::timestamptz, 'infinity')
                AND start > coalesce(to_timestamp($5::bigint), '-infinity')
                AND ($6::timestamptz IS NULL OR updated_at >= $6) AND ($7::timestamptz IS NULL OR updated_at < $7)
              ORDER BY start LIMIT ${limit}`,
      values: [
        usagePointId,
        meterReadingId,
        range.from ?? null,
        range.to ?? null,
        after,
        range.updatedMin ?? null,
        range.updatedMax ?? null,
      ],
      rowMode: 'array',
    });
  const toReading = (r: unknown[]): ExportReading => {
    const reading: ExportReading = {
      start: Number(r[0]),
      duration: r[1] as number,
      value: Number(r[2]),
      day: r[8] as string,
    };
    if (r[3] !== null) reading.cost = Number(r[3]);
    const qualities = qualityCodes(r[4] as number);
    if (qualities) reading.qualities = qualities;
    if (r[5] !== null) reading.tou = r[5] as number;
    if (r[6] !== null) reading.cpp = r[6] as number;
    if (r[7] !== null) reading.consumptionTier = r[7] as number;
    if (withLocalTimes) {
      reading.localStart = r[9] as string;
      reading.localEnd = r[10] as string;
    }
    return reading;
  };
  // The next page is asked for before this one is handed out: the database reads it while the writer formats and
  // the client drains this one. Two pages in memory at most.
  let pending: Promise<{ rows: unknown[][] }> | undefined = fetchPage(null);
  try {
    while (pending) {
      const { rows }: { rows: unknown[][] } = await pending;
      pending = rows.length === limit ? fetchPage(rows[rows.length - 1][0] as string) : undefined;
      if (rows.length > 0) yield rows.map(toReading);
    }
  } finally {
    // A consumer that stops early (a client that went away) must not leave a rejected query unobserved.
    await pending?.catch(() => undefined);
  }
}

/** Local dates (and `to_char` of timestamps) follow this zone until the transaction ends. */
export async function useZone(client: PoolClient, zone: string): Promise<void> {
  await client.query(`SELECT set_config('TimeZone', $1, true)`, [zone]);
}

/**
 * The [from, to) that covers `limit` local days with readings of the series after skipping `offset` of them: how the
 * IntervalBlock resource pages (one block per local day). Undefined when the page is empty.
 */
export async function dayPage(
  client: PoolClient,
  meterReadingId: string,
  usagePointId: string,
  range: RangeFilter,
  offset: number,
  limit: number,
): Promise<{ from: Date; to: Date } | undefined> {
  const { rows } = await client.query<{ from: Date | null; to: Date | null }>(
    `SELECT min(d)::timestamptz AS "from", (max(d) + 1)::timestamptz AS "to" FROM (
       SELECT DISTINCT start::date AS d FROM interval_reading
        WHERE usage_point_id = $1 AND meter_reading_id = $2
          AND start >= coalesce($3::timestamptz, '-infinity') AND start < coalesce($4::timestamptz, 'infinity')
          AND ($5::timestamptz IS NULL OR updated_at >= $5) AND ($6::timestamptz IS NULL OR updated_at < $6)
        ORDER BY d OFFSET $7 LIMIT $8) days`,
    [
      usagePointId,
      meterReadingId,
      range.from ?? null,
      range.to ?? null,
      range.updatedMin ?? null,
      range.updatedMax ?? null,
      offset,
      limit,
    ],
  );
  const page = rows[0];
  if (!page?.from || !page.to) return undefined;
  const clip = (d: Date, bound: Date | undefined, pick: (a: number, b: number) => number) =>
    bound ? new Date(pick(d.getTime(), bound.getTime())) : d;
  return { from: clip(page.from, range.from, Math.max), to: clip(page.to, range.to, Math.min) };
}

export interface SummaryRow {
  externalId: string | null;
  fields: UsageSummaryFields;
}

const epoch = (d: Date | null) => (d === null ? undefined : Math.floor(d.getTime() / 1000));
const num = (v: string | number | null) => (v === null ? undefined : Number(v));

function measurement(
  value: string | null,
  multiplier: number | null,
  uom: number | null,
  timeStamp: Date | null,
): SummaryMeasurement | undefined {
  if (value === null && multiplier === null && uom === null && timeStamp === null) return undefined;
  const m: SummaryMeasurement = {};
  if (multiplier !== null) m.powerOfTenMultiplier = multiplier;
  if (timeStamp !== null) m.timeStamp = epoch(timeStamp);
  if (uom !== null) m.uom = uom;
  if (value !== null) m.value = Number(value);
  return m;
}

interface SummaryDbRow {
  external_id: string | null;
  start: Date;
  duration: number;
  bill_last_period: string | null;
  bill_to_date: string | null;
  cost_additional_last_period: string | null;
  currency: number | null;
  ov: string | null;
  om: number | null;
  ou: number | null;
  ot: Date | null;
  cv: string | null;
  cm: number | null;
  cu: number | null;
  ct: Date | null;
  quality_of_reading: number | null;
  status_time_stamp: Date | null;
  commodity: number | null;
  read_cycle: string | null;
  tariff_profile: string | null;
  other_measurements: Record<string, unknown>;
  items: LineItemDbRow[];
}

interface LineItemDbRow {
  amount: string;
  rounding: string | null;
  unit_cost: string | null;
  measurement_value: string | null;
  measurement_multiplier: number | null;
  measurement_uom: number | null;
  date_time: string | null;
  item_period_start: string | null;
  item_period_duration: number | null;
  item_kind: number | null;
  note: string | null;
}

function lineItemOf(li: LineItemDbRow): EspiLineItem {
  const item: EspiLineItem = { amount: Number(li.amount) };
  if (li.rounding !== null) item.rounding = Number(li.rounding);
  if (li.date_time !== null) item.dateTime = Date.parse(li.date_time) / 1000;
  if (li.note !== null) item.note = li.note;
  const m = measurement(li.measurement_value, li.measurement_multiplier, li.measurement_uom, null);
  if (m) item.measurement = m;
  if (li.item_kind !== null) item.itemKind = li.item_kind;
  if (li.unit_cost !== null) item.unitCost = Number(li.unit_cost);
  if (li.item_period_start !== null && li.item_period_duration !== null)
    item.itemPeriod = { start: Date.parse(li.item_period_start) / 1000, duration: li.item_period_duration };
  return item;
}

/** Usage summaries whose billing period overlaps the range, in time order, with their line items. */
export async function summaryRows(client: PoolClient, usagePointId: string, range: RangeFilter): Promise<SummaryRow[]> {
  const { rows } = await client.query<SummaryDbRow>(
    `SELECT s.external_id, s.billing_period_start AS start, s.billing_period_duration AS duration,
            s.bill_last_period::text, s.bill_to_date::text, s.cost_additional_last_period::text, s.currency,
            s.overall_consumption_last_period_value::text AS ov, s.overall_consumption_last_period_multiplier AS om,
            s.overall_consumption_last_period_uom AS ou, s.overall_consumption_last_period_time_stamp AS ot,
            s.current_billing_period_over_all_consumption_value::text AS cv, s.current_billing_period_over_all_consumption_multiplier AS cm,
            s.current_billing_period_over_all_consumption_uom AS cu, s.current_billing_period_over_all_consumption_time_stamp AS ct,
            s.quality_of_reading, s.status_time_stamp, s.commodity, s.read_cycle, s.tariff_profile, s.other_measurements,
            coalesce((SELECT json_agg(json_build_object(
                'amount', li.amount::text, 'rounding', li.rounding::text, 'unit_cost', li.unit_cost::text,
                'measurement_value', li.measurement_value::text, 'measurement_multiplier', li.measurement_multiplier,
                'measurement_uom', li.measurement_uom, 'date_time', li.date_time, 'item_period_start', li.item_period_start,
                'item_period_duration', li.item_period_duration, 'item_kind', li.item_kind, 'note', li.note) ORDER BY li.id)
               FROM usage_summary_line_item li WHERE li.usage_point_id = s.usage_point_id AND li.usage_summary_id = s.id), '[]') AS items
       FROM usage_summary s
      WHERE s.usage_point_id = $1
        AND s.billing_period_start < coalesce($3::timestamptz, 'infinity')
        AND s.billing_period_start + greatest(s.billing_period_duration, 1) * interval '1 second' > coalesce($2::timestamptz, '-infinity')
        AND ($4::timestamptz IS NULL OR s.updated_at >= $4) AND ($5::timestamptz IS NULL OR s.updated_at < $5)
      ORDER BY s.billing_period_start`,
    [usagePointId, range.from ?? null, range.to ?? null, range.updatedMin ?? null, range.updatedMax ?? null],
  );
  return rows.map((r) => {
    const { ratchetDemand, ratchetDemandPeriod, ...others } = r.other_measurements as Record<
      string,
      SummaryMeasurement
    > & { ratchetDemandPeriod?: { start: number; duration: number } };
    const measurements: UsageSummaryFields['measurements'] = { ...others };
    const overall = measurement(r.ov, r.om, r.ou, r.ot);
    if (overall) measurements.overallConsumptionLastPeriod = overall;
    const current = measurement(r.cv, r.cm, r.cu, r.ct);
    if (current) measurements.currentBillingPeriodOverAllConsumption = current;
    const fields: UsageSummaryFields = {
      billingPeriod: { start: epoch(r.start) as number, duration: r.duration },
      billLastPeriod: num(r.bill_last_period),
      billToDate: num(r.bill_to_date),
      costAdditionalLastPeriod: num(r.cost_additional_last_period),
      costAdditionalDetailLastPeriod: r.items.map(lineItemOf),
      currency: num(r.currency),
      measurements,
      qualityOfReading: num(r.quality_of_reading),
      ratchetDemand: ratchetDemand as SummaryMeasurement | undefined,
      ratchetDemandPeriod,
      statusTimeStamp: epoch(r.status_time_stamp),
      commodity: num(r.commodity),
      tariffProfile: r.tariff_profile ?? undefined,
      readCycle: r.read_cycle ?? undefined,
    };
    return { externalId: r.external_id, fields };
  });
}
