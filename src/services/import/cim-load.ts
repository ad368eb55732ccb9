import type { PoolClient } from 'pg';
import {
  CimMessageError,
  readCimMessage,
  type ByteSource,
  type CimEnvelope,
  type CimMeterReading,
  type CimObjectRef,
  type UnknownObject,
} from '../../cim';
import type { Diagnostic } from '../../espi';
import { setBlockOwners, type BlockOwner } from './readings';
import { lockUsagePoints, meterReadingIdsOf, readingTypeIdOf } from './series';
import type { StagingWriter } from './staging';

// A CIM MeterReadings message through the same staging and upsert as an ESPI file. The codec gives readings in the
// ESPI record shape, staged by block ordinal; this module decides which portal usage point owns each block.
//
// Keys are the ESPI path's: (source system, external id), where a CIM object's external id is its mRID, or its
// first name when it has no mRID. An ESPI usage point is therefore addressed by its self path
// (`/RetailCustomer/1/UsagePoint/1`). A UsagePoint reference places readings (and creates the usage point when it is
// new, as an ESPI usage feed does). A Meter alone places them only when a MeterReading that named both linked that
// meter to a usage point before: an unknown meter is reported (61968-100 code 2.4) and its readings are dropped.

/** Verbs whose MeterReadings we load: pushes, and a reply to a get (a file exported by another system). */
const LOADABLE = new Set(['created', 'changed', 'create', 'change', 'reply']);

export interface StagedCim {
  envelope?: CimEnvelope;
  meterReadings: CimMeterReading[];
  diagnostics: Diagnostic[];
  /** Why nothing of the message may be loaded. */
  refusal?: string;
  registers: number;
  /** Epoch seconds of the first start and the last end staged. */
  from: number;
  to: number;
}

export interface LinkedCim {
  usagePoints: number;
  meterReadings: number;
  unknown: UnknownObject[];
  warnings: string[];
  owners: BlockOwner[];
}

/** Reads the message, its readings into the writer as they stream; the meter readings (small: no readings) are kept. */
export async function stageCim(
  source: ByteSource,
  writer: StagingWriter,
  onReadings: (n: number) => void,
): Promise<StagedCim> {
  const staged: StagedCim = { meterReadings: [], diagnostics: [], registers: 0, from: Infinity, to: -Infinity };
  try {
    for await (const event of readCimMessage(source)) {
      if (event.type === 'envelope') {
        staged.envelope = event.envelope;
        const verb = event.envelope.header?.verb;
        if (!verb || !LOADABLE.has(verb)) {
          staged.refusal =
            `cim-verb-not-loadable: a ${verb ?? 'fault'} ${event.envelope.header?.noun ?? ''} message carries no readings to load`.trimEnd();
          return staged;
        }
      } else if (event.type === 'readings') {
        for (const r of event.readings) {
          if (r.start < staged.from) staged.from = r.start;
          if (r.start + r.duration > staged.to) staged.to = r.start + r.duration;
        }
        writer.write(event.block.ordinal, event.readings);
        onReadings(event.readings.length);
      } else if (event.type === 'meterReading') {
        staged.meterReadings.push(event.meterReading);
        staged.registers += event.meterReading.registers.length;
      } else if (event.type === 'end') {
        staged.diagnostics = event.summary.diagnostics;
      }
    }
  } catch (error) {
    if (!(error instanceof CimMessageError)) throw error;
    staged.refusal = `${error.code}: ${error.message}`;
  }
  return staged;
}

const keyOf = (ref: CimObjectRef | undefined) => ref?.mRID ?? ref?.names?.[0]?.name;
const usagePointName = (ref: CimObjectRef) =>
  (ref.names?.find((n) => n.nameType === 'UsagePointName') ?? ref.names?.[0])?.name ?? null;

/** ESPI ServiceKind of a CIM commodity (61968-9 Annex C): electricity, gas, water, heat, sewerage; else electricity. */
function serviceKindOf(commodity: number | undefined): number {
  if (commodity === 7 || commodity === 8) return 1;
  if (commodity === 9) return 2;
  if (commodity === 10 || commodity === 12) return 4;
  if (commodity === 11) return 6;
  return 0;
}

/**
 * Finds or creates the usage points and meter readings of the staged message and records which block each
 * accepted IntervalBlock's readings belong to. Runs inside the load transaction.
 */
export async function linkCim(
  client: PoolClient,
  staged: StagedCim,
  sourceSystem: string,
  fallbackZone: string,
): Promise<LinkedCim> {
  const linked: LinkedCim = { usagePoints: 0, meterReadings: 0, unknown: [], warnings: [], owners: [] };
  const meterOnly = [
    ...new Set(
      staged.meterReadings
        .filter((mr) => !keyOf(mr.usagePoint) && keyOf(mr.meter))
        .map((mr) => keyOf(mr.meter) as string),
    ),
  ];
  const { rows: meterRows } = await client.query<{ external_id: string; usage_point: string }>(
    `SELECT m.external_id, u.external_id AS usage_point FROM meter m JOIN usage_point u ON u.id = m.usage_point_id
      WHERE m.source_system = $1 AND m.external_id = ANY($2::text[]) AND u.source_system = $1`,
    [sourceSystem, meterOnly],
  );
  const meterUsagePoint = new Map(meterRows.map((r) => [r.external_id, r.usage_point]));

  // Which usage point (external id) each meter reading goes to; undefined: unknown, reported.
  const target = new Map<CimMeterReading, string>();
  const created = new Map<string, { name: string | null; kind: number }>();
  for (const mr of staged.meterReadings) {
    const up = keyOf(mr.usagePoint);
    const meter = keyOf(mr.meter);
    if (up) {
      target.set(mr, up);
      if (!created.has(up))
        created.set(up, {
          name: usagePointName(mr.usagePoint as CimObjectRef),
          kind: serviceKindOf(mr.blocks[0]?.readingType.commodity),
        });
    } else if (meter && meterUsagePoint.has(meter)) {
      target.set(mr, meterUsagePoint.get(meter) as string);
    } else if (meter) {
      linked.unknown.push({
        objectType: 'Meter',
        id: meter,
        kind: mr.meter?.mRID ? 'uuid' : 'name',
        path: `MeterReadings/MeterReading[${mr.ordinal + 1}]/Meter`,
      });
    }
  }
  const upKeys = [...new Set(target.values())].sort();
  await lockUsagePoints(client, sourceSystem, upKeys);
  // New usage points only: a CIM reference carries no time zone or status, so it must not overwrite what an ESPI
  // feed said about a usage point it already loaded.
  const news = [...created].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  await client.query(
    `INSERT INTO usage_point (source_system, external_id, name, service_category_kind, time_zone)
     SELECT $1, n.*, $5 FROM unnest($2::text[], $3::text[], $4::smallint[]) n
     ON CONFLICT ON CONSTRAINT uq_usage_point_source DO NOTHING`,
    [sourceSystem, news.map(([k]) => k), news.map(([, v]) => v.name), news.map(([, v]) => v.kind), fallbackZone],
  );
  const { rows: ups } = await client.query<{ id: string; external_id: string }>(
    `SELECT id, external_id FROM usage_point WHERE source_system = $1 AND external_id = ANY($2::text[])`,
    [sourceSystem, upKeys],
  );
  const upId = new Map(ups.map((r) => [r.external_id, r.id]));
  linked.usagePoints = upId.size;

  // A MeterReading naming both its Meter and its UsagePoint says where that meter is installed now.
  const installs = new Map<string, string>();
  for (const mr of staged.meterReadings) {
    const meter = keyOf(mr.meter);
    if (meter && keyOf(mr.usagePoint)) installs.set(meter, upId.get(target.get(mr) as string) as string);
  }
  await client.query(
    `INSERT INTO meter AS m (source_system, external_id, usage_point_id)
     SELECT $1, * FROM unnest($2::text[], $3::bigint[])
     ON CONFLICT ON CONSTRAINT uq_meter_source DO UPDATE SET usage_point_id = EXCLUDED.usage_point_id, updated_at = now()
     WHERE m.usage_point_id IS DISTINCT FROM EXCLUDED.usage_point_id`,
    [sourceSystem, [...installs.keys()], [...installs.values()]],
  );

  const typeIds = new Map<string, string>();
  const blocks: { block: number; usagePointId: string; typeId: string }[] = [];
  for (const mr of staged.meterReadings) {
    const up = target.get(mr);
    if (up === undefined) continue;
    for (const b of mr.blocks) {
      blocks.push({
        block: b.ordinal,
        usagePointId: upId.get(up) as string,
        typeId: await readingTypeIdOf(client, b.readingType, typeIds),
      });
    }
  }
  const series = await meterReadingIdsOf(client, blocks);
  linked.meterReadings = series.size;
  linked.owners = blocks.map((b) => ({
    block: b.block,
    usagePointId: b.usagePointId,
    meterReadingId: series.get(`${b.usagePointId}:${b.typeId}`) as string,
  }));
  await setBlockOwners(client, linked.owners);
  if (staged.registers) {
    linked.warnings.push(
      `${staged.registers} register reading(s) (MeterReading/Readings) not stored: the portal keeps interval data only`,
    );
  }
  return linked;
}

/**
 * Two blocks of one series (say two MeterReadings of the same usage point and reading type) may both hold a reading
 * for the same interval: the upsert cannot take both, and which one wins would be arbitrary, so the message is refused.
 */
export async function duplicateAcrossBlocks(client: PoolClient): Promise<string | undefined> {
  const { rows } = await client.query<{ start: string; n: string }>(
    `SELECT extract(epoch FROM s.start)::bigint AS start, count(*) AS n FROM import_staging s JOIN import_block_owner o USING (block)
      GROUP BY o.meter_reading_id, s.start HAVING count(*) > 1 ORDER BY s.start LIMIT 1`,
  );
  if (!rows.length) return undefined;
  return `reading-duplicate-across-blocks: ${rows[0].n} IntervalBlocks of one usage point and reading type hold a reading for ${new Date(Number(rows[0].start) * 1000).toISOString()}`;
}
