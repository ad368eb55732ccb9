import type { PoolClient } from 'pg';
import {
  localTimeParametersFor,
  type LinkedFeed,
  type LinkedMeterReading,
  type LinkedUsagePoint,
  type ReadingTypeFields,
} from '../../espi';
import { READING_TYPE_SIGNATURE } from '../reading-type-columns';
import { ianaZoneFor } from './zone';

// Usage points, reading types and meter readings of a file, upserted by natural key. They are few per file (one per
// series), so arrays through unnest() keep each table to one or two statements.

export interface SeriesIds {
  usagePointIds: Map<LinkedUsagePoint, string>;
  meterReadingIds: Map<LinkedMeterReading, { usagePointId: string; meterReadingId: string }>;
  warnings: string[];
}

/** The href or atom id that names the usage point inside its source system (the codec's key minus the source). */
export function externalIdOf(up: LinkedUsagePoint, sourceSystem: string): string {
  return up.key.slice(sourceSystem.length + 1);
}

const hex = (n: number | undefined) => (n === undefined ? null : (n >>> 0).toString(16).toUpperCase().padStart(8, '0'));

function yearsOf(feed: LinkedFeed, up: LinkedUsagePoint): number[] {
  const years = new Set<number>();
  for (const mr of feed.meterReadings) {
    if (mr.usagePoint !== up || mr.firstStart === undefined || mr.lastEnd === undefined) continue;
    const first = new Date(mr.firstStart * 1000).getUTCFullYear();
    const last = new Date(mr.lastEnd * 1000).getUTCFullYear();
    for (let y = first; y <= Math.min(last, first + 30); y++) years.add(y);
  }
  return years.size ? [...years].sort() : [new Date().getUTCFullYear()];
}

async function upsertUsagePoints(
  client: PoolClient,
  feed: LinkedFeed,
  sourceSystem: string,
  fallbackZone: string,
  warnings: string[],
) {
  const ups = [...feed.usagePoints].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const rows = ups.map((up) => {
    let zone = ianaZoneFor(up, fallbackZone, yearsOf(feed, up));
    if (zone === null) {
      warnings.push(
        `usage point ${up.href ?? up.key}: no IANA zone agrees with its LocalTimeParameters (${up.zone.name}); local days use ${fallbackZone}`,
      );
      zone = fallbackZone;
    }
    if (up.serviceKind === undefined)
      warnings.push(`usage point ${up.href ?? up.key}: no ServiceCategory kind, stored as electricity (0)`);
    // A file without LocalTimeParameters gets those of the zone its local days are counted in, as our export writes
    // them: stored either way, so loading our own export of it back changes nothing.
    const ltp = up.localTimeParameters ?? localTimeParametersFor(zone, yearsOf(feed, up)[0]);
    return [
      externalIdOf(up, sourceSystem),
      up.serviceKind ?? 0,
      up.status ?? null,
      up.roleFlags ?? null,
      up.title ?? null,
      up.tariffProfile ?? null,
      zone,
      ltp?.tzOffset ?? null,
      ltp?.dstOffset ?? null,
      hex(ltp?.dstStartRule),
      hex(ltp?.dstEndRule),
    ] as const;
  });
  const column = (i: number) => rows.map((r) => r[i]);
  // Sorted by key so that two loads sharing usage points take their row locks in the same order.
  await client.query(
    `INSERT INTO usage_point AS u (source_system, external_id, service_category_kind, status, role_flags, name, tariff_profile,
                                   time_zone, tz_offset, dst_offset, dst_start_rule, dst_end_rule)
     SELECT $1, * FROM unnest($2::text[], $3::smallint[], $4::smallint[], $5::text[], $6::text[], $7::text[], $8::text[],
                              $9::int[], $10::int[], $11::text[], $12::text[])
     ON CONFLICT ON CONSTRAINT uq_usage_point_source DO UPDATE SET
       service_category_kind = EXCLUDED.service_category_kind, status = EXCLUDED.status, role_flags = EXCLUDED.role_flags,
       name = EXCLUDED.name, tariff_profile = EXCLUDED.tariff_profile, time_zone = EXCLUDED.time_zone, tz_offset = EXCLUDED.tz_offset,
       dst_offset = EXCLUDED.dst_offset, dst_start_rule = EXCLUDED.dst_start_rule, dst_end_rule = EXCLUDED.dst_end_rule,
       data_version = u.data_version + 1, updated_at = now()
     WHERE (u.service_category_kind, u.status, u.role_flags, u.name, u.tariff_profile, u.time_zone, u.tz_offset, u.dst_offset,
            u.dst_start_rule, u.dst_end_rule)
       IS DISTINCT FROM (EXCLUDED.service_category_kind, EXCLUDED.status, EXCLUDED.role_flags, EXCLUDED.name, EXCLUDED.tariff_profile,
            EXCLUDED.time_zone, EXCLUDED.tz_offset, EXCLUDED.dst_offset, EXCLUDED.dst_start_rule, EXCLUDED.dst_end_rule)`,
    [sourceSystem, ...Array.from({ length: 11 }, (_, i) => column(i))],
  );
  const { rows: ids } = await client.query<{ id: string; external_id: string }>(
    `SELECT id, external_id FROM usage_point WHERE source_system = $1 AND external_id = ANY($2::text[])`,
    [sourceSystem, column(0)],
  );
  const byExternal = new Map(ids.map((r) => [r.external_id, r.id]));
  return new Map(ups.map((up) => [up, byExternal.get(externalIdOf(up, sourceSystem)) as string]));
}

// One statement text per reading-type lookup: every column of the natural key, NULLs matching NULLs.
const RT_NAMES = READING_TYPE_SIGNATURE.map(([c]) => c).join(', ');
const RT_PARAMS = READING_TYPE_SIGNATURE.map((_, i) => `$${i + 1}`).join(', ');
const RT_MATCH = READING_TYPE_SIGNATURE.map(([c], i) => `${c} IS NOT DISTINCT FROM $${i + 1}`).join(' AND ');

async function readingTypeId(client: PoolClient, values: (number | null)[]): Promise<string> {
  await client.query(
    `INSERT INTO reading_type (${RT_NAMES}) VALUES (${RT_PARAMS}) ON CONFLICT ON CONSTRAINT uq_reading_type_signature DO NOTHING`,
    values,
  );
  const { rows } = await client.query<{ id: string }>(`SELECT id FROM reading_type WHERE ${RT_MATCH}`, values);
  return rows[0].id;
}

/** The reading_type row of these fields, created when new; `cache` spares the statements for a type already seen. */
export async function readingTypeIdOf(
  client: PoolClient,
  fields: ReadingTypeFields,
  cache: Map<string, string>,
): Promise<string> {
  const values = READING_TYPE_SIGNATURE.map(([, get]) => get(fields) ?? null);
  const signature = JSON.stringify(values);
  let typeId = cache.get(signature);
  if (!typeId) cache.set(signature, (typeId = await readingTypeId(client, values)));
  return typeId;
}

/** A series by what identifies it in a load: its usage point and reading type. */
export interface SeriesKey {
  usagePointId: string;
  typeId: string;
  /** The meter reading's id in its source (an ESPI self href), if it has one. */
  externalId?: string;
}

/** meter_reading ids of (usage point, reading type) pairs, created when new; keyed `usagePointId:typeId`. */
export async function meterReadingIdsOf(client: PoolClient, rows: SeriesKey[]): Promise<Map<string, string>> {
  // Sorted so that two loads sharing series take their row locks in the same order.
  const series = [...rows].sort(
    (a, b) => Number(BigInt(a.usagePointId) - BigInt(b.usagePointId)) || Number(BigInt(a.typeId) - BigInt(b.typeId)),
  );
  if (series.length === 0) return new Map();
  const ups = series.map((s) => s.usagePointId);
  const types = series.map((s) => s.typeId);
  // A new series can change which one usage() reads: its usage point's data version moves.
  await client.query(
    `WITH added AS (
       INSERT INTO meter_reading (usage_point_id, reading_type_id, external_id)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[])
       ON CONFLICT ON CONSTRAINT uq_meter_reading_reading_type DO NOTHING
       RETURNING usage_point_id)
     UPDATE usage_point SET data_version = data_version + 1 WHERE id IN (SELECT usage_point_id FROM added)`,
    [ups, types, series.map((s) => s.externalId ?? null)],
  );
  // FOR KEY SHARE until commit: interval_reading has no foreign key (it cost most of a load), so this lock, once per
  // series, is what keeps a meter reading from being deleted under readings the load is writing.
  const { rows: found } = await client.query<{ id: string; usage_point_id: string; reading_type_id: string }>(
    `SELECT m.id, m.usage_point_id, m.reading_type_id FROM meter_reading m
       JOIN unnest($1::bigint[], $2::bigint[]) AS k (usage_point_id, reading_type_id) USING (usage_point_id, reading_type_id)
       FOR KEY SHARE OF m`,
    [ups, types],
  );
  return new Map(found.map((r) => [`${r.usage_point_id}:${r.reading_type_id}`, r.id]));
}

export async function upsertSeries(
  client: PoolClient,
  feed: LinkedFeed,
  sourceSystem: string,
  fallbackZone: string,
): Promise<SeriesIds> {
  const warnings: string[] = [];
  const usagePointIds = await upsertUsagePoints(client, feed, sourceSystem, fallbackZone, warnings);
  const typeIds = new Map<string, string>();
  const series = [];
  for (const mr of feed.meterReadings) {
    const typeId = await readingTypeIdOf(client, mr.readingType, typeIds);
    series.push({ mr, usagePointId: usagePointIds.get(mr.usagePoint) as string, typeId, externalId: mr.href });
  }
  const byPair = await meterReadingIdsOf(client, series);
  const meterReadingIds = new Map<LinkedMeterReading, { usagePointId: string; meterReadingId: string }>();
  for (const s of series) {
    meterReadingIds.set(s.mr, {
      usagePointId: s.usagePointId,
      meterReadingId: byPair.get(`${s.usagePointId}:${s.typeId}`) as string,
    });
  }
  return { usagePointIds, meterReadingIds, warnings };
}

/**
 * Per-usage-point locks, taken in one sorted pass: two loads sharing usage points queue behind each other instead of
 * deadlocking on their rows, and loads of unrelated usage points run in parallel.
 */
export async function lockUsagePoints(client: PoolClient, sourceSystem: string, externalIds: string[]): Promise<void> {
  await client.query(
    `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(x, 1764300000) AS k FROM unnest($1::text[]) x ORDER BY 1) s`,
    [externalIds.map((id) => `${sourceSystem}|${id}`)],
  );
}
