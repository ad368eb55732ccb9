import type { DataSource } from 'typeorm';
import {
  encodeReadingTypeMrid,
  replyOk,
  replyPartial,
  type CimEnvelope,
  type CimId,
  type CimObjectRef,
  type OutgoingBlock,
  type OutgoingMeterReading,
  type OutgoingMessage,
  type OutgoingReading,
  type UnknownObject,
} from '../../cim';
import type { ReadingTypeFields } from '../../espi';
import type { AccessScope } from '../access/access-scope';
import { personalDataFor } from '../customers/redaction';
import { readCost } from '../export/cost';
import { readingTypeOfRow } from '../reading-type-columns';
import { responseTo } from './replies';

// `get MeterReadings`: the request's usage points and meters are resolved to portal series, and the reply streams
// their readings from the database in keyset pages, so no reply of any size is ever held in memory. A result larger
// than one reply's page is cut at a reading: that reply says "more replies follow" (61968-100 code 0.1) and carries
// a continuation ID (Reply/ID idType="continuation") that the next get sends back as its Request/ID.

export const DEFAULT_PAGE_READINGS = 500_000;
/** Rows fetched per statement while a reply streams. */
const FETCH_ROWS = 10_000;
const CONTINUATION = 'continuation';

/** A get the portal refuses as a whole: the FAILED reply's code and reason. */
export class GetRefusal extends Error {
  constructor(
    readonly replyCode: string,
    message: string,
    readonly unknown: UnknownObject[] = [],
  ) {
    super(message);
  }
}

interface Series {
  usagePointId: string;
  meterReadingId: string;
  usagePoint: CimObjectRef;
  readingType: ReadingTypeFields;
}

export interface GetOptions {
  sourceSystem: string;
  /** Who asked: what the reply may show of personal data (OPS: no usage point names). */
  scope: AccessScope;
  /** Readings per reply; a request's Option `pageSize` may lower it. */
  pageReadings?: number;
}

export interface GetAnswer {
  message: OutgoingMessage;
  /** The continuation of the next page, when more replies follow. */
  next?: string;
}

const refKey = (ref: CimObjectRef) => ref.mRID ?? ref.names?.[0]?.name;

/** The mRID a series is published under: the writer scales values by 10^-3, so the multiplier goes up by 3. */
export const publishedMrid = (rt: ReadingTypeFields) =>
  encodeReadingTypeMrid({ ...rt, powerOfTenMultiplier: (rt.powerOfTenMultiplier ?? 0) + 3 });

// ESPI QualityOfReading codes with a 61968-9 ReadingQualityType category: edited, estimated (both ESPI estimation
// methods), questionable, derived, projected. System 3: the portal republishes what the MDM side said.
const CIM_CATEGORY: [number, number][] = [
  [7, 7],
  [8, 8],
  [9, 8],
  [10, 10],
  [11, 11],
  [12, 12],
];
function cimQualitiesOf(mask: number): string[] | undefined {
  if (mask === 0) return undefined;
  const refs = new Set<string>();
  for (const [espi, category] of CIM_CATEGORY) if (mask & (1 << espi)) refs.add(`3.${category}.0`);
  return refs.size ? [...refs] : undefined;
}

interface Plan {
  series: Series[];
  unknown: UnknownObject[];
  from: number;
  to: number;
}

async function plan(db: DataSource, envelope: CimEnvelope, { sourceSystem, scope }: GetOptions): Promise<Plan> {
  const request = envelope.request ?? {};
  const filter = request.getMeterReadings;
  const period = filter?.periods.find((p) => p.start !== undefined || p.end !== undefined);
  const from = period?.start ?? request.startTime ?? 0;
  const to = period?.end ?? request.endTime ?? 253402300800; // 10000-01-01
  if (from >= to) throw new GetRefusal('1.8', 'the requested period is empty: its start is not before its end');
  const usagePoints = filter?.usagePoints ?? [];
  const meters = filter?.endDevices ?? [];
  if (usagePoints.length + meters.length === 0) {
    throw new GetRefusal(
      '1.6',
      'GetMeterReadings names no UsagePoint and no EndDevice/Meter: say whose readings are asked for',
    );
  }
  const unknown: UnknownObject[] = [];
  const upKeys = usagePoints.map(refKey).filter((k): k is string => !!k);
  const meterKeys = meters.map(refKey).filter((k): k is string => !!k);
  const found = (await db.query(
    `SELECT 'UsagePoint' AS type, external_id AS key, id FROM usage_point WHERE source_system = $1 AND external_id = ANY($2::text[])
     UNION ALL
     SELECT 'Meter', external_id, usage_point_id FROM meter WHERE source_system = $1 AND external_id = ANY($3::text[]) AND usage_point_id IS NOT NULL`,
    [sourceSystem, upKeys, meterKeys],
  )) as { type: string; key: string; id: string }[];
  const has = (type: string, key: string) => found.some((f) => f.type === type && f.key === key);
  for (const [type, refs] of [
    ['UsagePoint', usagePoints],
    ['Meter', meters],
  ] as const) {
    refs.forEach((ref, i) => {
      const key = refKey(ref);
      if (key && !has(type, key))
        unknown.push({
          objectType: type,
          id: key,
          kind: ref.mRID ? 'uuid' : 'name',
          path: `GetMeterReadings/${type === 'Meter' ? 'EndDevice' : type}[${i + 1}]`,
        });
    });
  }
  const rows = (await db.query(
    `SELECT t.*, m.usage_point_id, m.id AS meter_reading_id, u.external_id, u.name
       FROM meter_reading m JOIN usage_point u ON u.id = m.usage_point_id JOIN reading_type t ON t.id = m.reading_type_id
      WHERE m.usage_point_id = ANY($1::bigint[])
      ORDER BY m.usage_point_id, m.id`,
    [[...new Set(found.map((f) => f.id))]],
  )) as (Record<string, string | number | null> & {
    usage_point_id: string;
    meter_reading_id: string;
    external_id: string;
    name: string | null;
  })[];
  let series = rows.map((r): Series => {
    const { name } = personalDataFor(scope, 'usagePoint', { name: r.name });
    return {
      usagePointId: r.usage_point_id,
      meterReadingId: r.meter_reading_id,
      usagePoint: { mRID: r.external_id, ...(name ? { names: [{ name, nameType: 'UsagePointName' }] } : {}) },
      readingType: readingTypeOfRow(r),
    };
  });
  const wanted = filter?.readingTypes ?? [];
  if (wanted.length) {
    const published = new Set(series.map((s) => publishedMrid(s.readingType)));
    for (const mRID of wanted)
      if (!published.has(mRID))
        unknown.push({ objectType: 'ReadingType', id: mRID, kind: 'name', path: 'GetMeterReadings/ReadingType' });
    series = series.filter((s) => wanted.includes(publishedMrid(s.readingType)));
  }
  return { series, unknown, from, to };
}

/** Where a page starts: inside the series `usagePointId/meterReadingId`, at `start`. */
interface Cursor {
  u: string;
  m: string;
  s: number;
}

function readCursor(envelope: CimEnvelope): Cursor | undefined {
  const id = envelope.request?.ids?.find((i) => i.idType === CONTINUATION);
  if (!id) return undefined;
  const parts = Buffer.from(id.value, 'base64url').toString('utf8').split('/');
  if (parts.length !== 3 || !parts.every((p) => /^\d{1,19}$/.test(p)))
    throw new GetRefusal('1.8', `Request/ID ${id.value} is not a continuation this portal gave`);
  return { u: parts[0], m: parts[1], s: Number(parts[2]) };
}
const writeCursor = (c: Cursor) => Buffer.from(`${c.u}/${c.m}/${c.s}`).toString('base64url');

function pageSizeOf(envelope: CimEnvelope, max: number): number {
  const option = envelope.request?.options?.find((o) => o.name === 'pageSize');
  if (!option) return max;
  const n = Number(option.value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new GetRefusal('1.8', `Option pageSize must be an integer from 1 to ${max}`);
  return n;
}

interface Span {
  series: Series;
  from: number;
  to: number;
}

/** The spans of this page, and the cursor of the next one when the result does not fit. */
async function cut(
  db: DataSource,
  p: Plan,
  cursor: Cursor | undefined,
  pageSize: number,
): Promise<{ spans: Span[]; next?: Cursor }> {
  const after = (s: Series) =>
    !cursor ||
    BigInt(s.usagePointId) > BigInt(cursor.u) ||
    (s.usagePointId === cursor.u && BigInt(s.meterReadingId) >= BigInt(cursor.m));
  const spans = p.series
    .filter(after)
    // A continuation is the caller's text: its position is kept inside the asked range, whatever it says.
    .map((series) => ({
      series,
      from:
        cursor && series.usagePointId === cursor.u && series.meterReadingId === cursor.m
          ? Math.min(Math.max(p.from, cursor.s), p.to)
          : p.from,
      to: p.to,
    }));
  if (spans.length === 0) return { spans };
  const counts = (await db.query(
    `SELECT (SELECT count(*) FROM interval_reading r WHERE r.usage_point_id = k.u AND r.meter_reading_id = k.m
               AND r.start >= to_timestamp(k.lo) AND r.start < to_timestamp(k.hi))::int AS n
       FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) WITH ORDINALITY AS k (u, m, lo, hi, i) ORDER BY i`,
    [
      spans.map((s) => s.series.usagePointId),
      spans.map((s) => s.series.meterReadingId),
      spans.map((s) => s.from),
      spans.map((s) => s.to),
    ],
  )) as { n: number }[];
  let taken = 0;
  for (let i = 0; i < spans.length; i++) {
    if (taken + counts[i].n <= pageSize) {
      taken += counts[i].n;
      continue;
    }
    const span = spans[i];
    const [{ start }] = (await db.query(
      `SELECT extract(epoch FROM start)::bigint AS start FROM interval_reading
        WHERE usage_point_id = $1 AND meter_reading_id = $2 AND start >= to_timestamp($3) AND start < to_timestamp($4)
        ORDER BY start OFFSET $5 LIMIT 1`,
      [span.series.usagePointId, span.series.meterReadingId, span.from, span.to, pageSize - taken],
    )) as { start: string }[];
    const next = { u: span.series.usagePointId, m: span.series.meterReadingId, s: Number(start) };
    return { spans: [...spans.slice(0, i), { ...span, to: next.s }].filter((s) => s.from < s.to), next };
  }
  return { spans };
}

/** One series' readings in [from, to), fetched FETCH_ROWS at a time by start. */
async function* readingsOf(db: DataSource, span: Span): AsyncGenerator<OutgoingReading> {
  let lo = span.from;
  for (;;) {
    const rows = (await db.query(
      `SELECT extract(epoch FROM start)::bigint AS start, duration, value, quality FROM interval_reading
        WHERE usage_point_id = $1 AND meter_reading_id = $2 AND start >= to_timestamp($3) AND start < to_timestamp($4)
        ORDER BY start LIMIT ${FETCH_ROWS}`,
      [span.series.usagePointId, span.series.meterReadingId, lo, span.to],
    )) as { start: string; duration: number; value: string; quality: number }[];
    for (const r of rows) {
      const reading: OutgoingReading = { start: Number(r.start), duration: r.duration, value: Number(r.value) };
      const qualities = cimQualitiesOf(r.quality);
      if (qualities) reading.cimQualities = qualities;
      yield reading;
    }
    if (rows.length < FETCH_ROWS) return;
    lo = Number(rows[rows.length - 1].start) + 1;
  }
}

/** One MeterReading per usage point, its series as IntervalBlocks. */
async function* meterReadingsOf(db: DataSource, spans: Span[]): AsyncGenerator<OutgoingMeterReading> {
  for (let i = 0; i < spans.length;) {
    const first = spans[i];
    let j = i;
    while (j < spans.length && spans[j].series.usagePointId === first.series.usagePointId) j++;
    const mine = spans.slice(i, j);
    i = j;
    yield {
      usagePoint: first.series.usagePoint,
      blocks: mine.map((s): OutgoingBlock => ({ readingType: s.series.readingType, readings: readingsOf(db, s) })),
    };
  }
}

/**
 * The reply to one `get MeterReadings` page: PARTIAL with one Error per unknown id when some of the asked objects
 * are not known, FAILED when none is (GetRefusal), and "more replies follow" with the next continuation when the
 * result goes on. Throws GetRefusal for a request it cannot answer.
 */
export async function answerGet(db: DataSource, envelope: CimEnvelope, options: GetOptions): Promise<GetAnswer> {
  const p = await plan(db, envelope, options);
  if (p.series.length === 0 && p.unknown.length)
    throw new GetRefusal(
      p.unknown[0].objectType === 'ReadingType' ? '2.6' : '2.12',
      'none of the requested objects is known here',
      p.unknown,
    );
  const cursor = readCursor(envelope);
  const { spans, next } = await cut(db, p, cursor, pageSizeOf(envelope, options.pageReadings ?? DEFAULT_PAGE_READINGS));
  const ids: CimId[] = next
    ? [{ value: writeCursor(next), kind: 'transaction', idType: CONTINUATION, objectType: 'MeterReadings' }]
    : [];
  const replyOptions = { moreToFollow: !!next, ids };
  const message: OutgoingMessage = {
    ...responseTo(envelope, p.unknown.length ? replyPartial(p.unknown, replyOptions) : replyOk(replyOptions)),
    meterReadings: meterReadingsOf(db, spans),
  };
  return { message, next: next && writeCursor(next) };
}

/**
 * The budget points a get costs (`readCost` of its usage points over its period), known before it is answered. A get
 * refused as a whole reads no readings: it costs what naming nothing does.
 */
export async function getCost(db: DataSource, envelope: CimEnvelope, options: GetOptions): Promise<number> {
  let p: Plan;
  try {
    p = await plan(db, envelope, options);
  } catch (error) {
    if (error instanceof GetRefusal) return 0;
    throw error;
  }
  const usagePointIds = [...new Set(p.series.map((s) => s.usagePointId))];
  return readCost(db, { usagePointIds, from: new Date(p.from * 1000), to: new Date(p.to * 1000), readings: true });
}
