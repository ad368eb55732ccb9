import type { PoolClient } from 'pg';
import { copyIntoReadings, copyIntoStaging } from './reading-copy';
import type { StagedBlock, StagingWriter } from './staging';

export interface SeriesSpan {
  usagePointId: string;
  meterReadingId: string;
  /** Epoch seconds of the first and last reading written (inserted or changed). */
  from: number;
  to: number;
  /** Readings written: new ones, and stored ones whose figures changed. */
  inserted: number;
  revised: number;
}

export interface UpsertCounts {
  staged: number;
  /** Staged readings of blocks the linker rejected. */
  dropped: number;
  inserted: number;
  updated: number;
  revisions: number;
  /** Per series, the range of readings written: the rollups are refreshed only there. */
  spans: SeriesSpan[];
  /** No owned series had a stored reading: the staged blocks are all their readings (rollups may sum the blocks). */
  firstLoad: boolean;
}

const COLUMNS = 'usage_point_id, meter_reading_id, start, duration, value, cost, quality, tou, cpp, consumption_tier';
const SOURCE = `SELECT o.usage_point_id, o.meter_reading_id, s.start, s.duration, s.value, s.cost,
                       s.quality, s.tou, s.cpp, s.consumption_tier
                  FROM import_staging s JOIN import_block_owner o USING (block)`;
const SPANS = `SELECT usage_point_id, meter_reading_id, extract(epoch FROM min(start))::bigint AS lo,
                      extract(epoch FROM max(start))::bigint AS hi, count(*) AS n FROM written GROUP BY 1, 2`;

export interface BlockOwner {
  block: number;
  usagePointId: string;
  meterReadingId: string;
}

export async function setBlockOwners(client: PoolClient, owners: BlockOwner[]) {
  await client.query(`INSERT INTO import_block_owner SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[])`, [
    owners.map((o) => o.block),
    owners.map((o) => o.usagePointId),
    owners.map((o) => o.meterReadingId),
  ]);
}

interface SpanRow {
  usage_point_id: string;
  meter_reading_id: string;
  lo: string | number;
  hi: string | number;
  n: string | number;
  updated?: string;
  revisions?: string;
}

/**
 * The staged figures, from what the writer counted per block: a first load needs no scan of the staging table to
 * count, bound or span its readings.
 */
function stagedFigures(owners: BlockOwner[], blocks: Map<number, StagedBlock>) {
  const ownerOf = new Map(owners.map((o) => [o.block, o]));
  let staged = 0;
  let dropped = 0;
  let skipped = false;
  let lo = Infinity;
  let hi = -Infinity;
  const spans = new Map<string, SpanRow & { lo: number; hi: number; n: number }>();
  for (const [block, b] of blocks) {
    staged += b.readings;
    lo = Math.min(lo, b.first);
    hi = Math.max(hi, b.last);
    const owner = ownerOf.get(block);
    if (!owner) {
      dropped += b.readings;
      continue;
    }
    if (b.skipped) skipped = true;
    const span = spans.get(owner.meterReadingId);
    if (!span) {
      spans.set(owner.meterReadingId, {
        usage_point_id: owner.usagePointId,
        meter_reading_id: owner.meterReadingId,
        lo: b.first,
        hi: b.last,
        n: b.readings,
      });
    } else {
      span.lo = Math.min(span.lo, b.first);
      span.hi = Math.max(span.hi, b.last);
      span.n += b.readings;
    }
  }
  return { staged, dropped, skipped, lo, hi, spans: [...spans.values()] };
}

/**
 * Moves the writer's readings into interval_reading. Rows whose value, cost, quality, duration and tariff fields are
 * unchanged are not rewritten (the IS DISTINCT FROM guard), so a re-import of the same data writes nothing; a
 * changed row writes an interval_revision with its old and new values. `inStagingTable`: import_staging holds them
 * already.
 */
export async function upsertReadings(
  client: PoolClient,
  batchId: string | null,
  reason: string,
  owners: BlockOwner[],
  writer: StagingWriter,
  inStagingTable: boolean,
): Promise<UpsertCounts> {
  const { staged, dropped, skipped, lo, hi, spans } = stagedFigures(owners, writer.blocks);
  // A series with no stored reading yet (a first load) takes a plain COPY: no conflict handling, no old values to
  // look up, nothing returned (every staged reading of an owned block is written, so the spans are the staged ones).
  // The per-usage-point locks held by the caller keep another load from adding rows in between.
  const {
    rows: [{ any }],
  } = await client.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM import_block_owner o JOIN LATERAL (
        SELECT 1 FROM interval_reading r WHERE r.usage_point_id = o.usage_point_id AND r.meter_reading_id = o.meter_reading_id LIMIT 1) x ON true) AS any`,
  );
  let rows: SpanRow[];
  // A block is skipped only when its series has readings, so never here; with one, neither the plain INSERT nor
  // rollups summed from the blocks would be right.
  const firstLoad = !any && !skipped;
  if (firstLoad) {
    await copyIntoReadings(client, writer, owners, batchId);
    rows = spans;
  } else {
    if (!inStagingTable) await copyIntoStaging(client, writer);
    await client.query('ANALYZE import_staging');
    // What differs from what is stored, found with one join: a forced reload of unchanged data ends here, having
    // written nothing. The start bounds let PostgreSQL skip the partitions the file does not cover.
    await client.query(
      `CREATE TEMP TABLE import_delta ON COMMIT DROP AS
       SELECT src.*, r.start IS NOT NULL AS existed, r.value AS old_value, r.cost AS old_cost, r.quality AS old_quality,
              r.batch_id AS old_batch_id
         FROM (${SOURCE}) src
         LEFT JOIN interval_reading r ON r.usage_point_id = src.usage_point_id AND r.meter_reading_id = src.meter_reading_id
          AND r.start = src.start AND r.start >= to_timestamp($1) AND r.start <= to_timestamp($2)
        WHERE r.start IS NULL
           OR (r.duration, r.value, r.cost, r.quality, r.tou, r.cpp, r.consumption_tier)
              IS DISTINCT FROM (src.duration, src.value, src.cost, src.quality, src.tou, src.cpp, src.consumption_tier)`,
      [lo, hi],
    );
    // The upsert keeps its own IS DISTINCT FROM guard: it is what makes the statement correct on its own.
    ({ rows } = await client.query<SpanRow>(
      `WITH written AS (
         INSERT INTO interval_reading AS r (${COLUMNS}, batch_id) SELECT ${COLUMNS}, $1::bigint FROM import_delta
         ON CONFLICT (usage_point_id, meter_reading_id, start) DO UPDATE SET
           duration = EXCLUDED.duration, value = EXCLUDED.value, cost = EXCLUDED.cost, quality = EXCLUDED.quality,
           tou = EXCLUDED.tou, cpp = EXCLUDED.cpp, consumption_tier = EXCLUDED.consumption_tier,
           batch_id = EXCLUDED.batch_id, updated_at = now()
         WHERE (r.duration, r.value, r.cost, r.quality, r.tou, r.cpp, r.consumption_tier)
           IS DISTINCT FROM (EXCLUDED.duration, EXCLUDED.value, EXCLUDED.cost, EXCLUDED.quality, EXCLUDED.tou,
                             EXCLUDED.cpp, EXCLUDED.consumption_tier)
         RETURNING r.usage_point_id, r.meter_reading_id, r.start),
       revised AS (
         INSERT INTO interval_revision (usage_point_id, meter_reading_id, start, batch_id, old_batch_id, old_value,
                                        new_value, old_cost, new_cost, old_quality, new_quality, reason)
         SELECT usage_point_id, meter_reading_id, start, $1, old_batch_id, old_value, value, old_cost, cost,
                old_quality, quality, $2
           FROM import_delta WHERE existed AND (old_value, old_cost, old_quality) IS DISTINCT FROM (value, cost, quality)
         RETURNING usage_point_id, meter_reading_id),
       spans AS (${SPANS}),
       changed_n AS (SELECT usage_point_id, meter_reading_id, count(*) AS updated FROM import_delta WHERE existed GROUP BY 1, 2),
       revised_n AS (SELECT usage_point_id, meter_reading_id, count(*) AS revisions FROM revised GROUP BY 1, 2)
       SELECT s.*, coalesce(c.updated, 0) AS updated, coalesce(v.revisions, 0) AS revisions
         FROM spans s LEFT JOIN changed_n c USING (usage_point_id, meter_reading_id)
              LEFT JOIN revised_n v USING (usage_point_id, meter_reading_id)`,
      [batchId, reason],
    ));
    await client.query('DROP TABLE import_delta');
  }
  let written = 0;
  let updated = 0;
  let revisions = 0;
  for (const r of rows) {
    written += Number(r.n);
    updated += Number(r.updated ?? 0);
    revisions += Number(r.revisions ?? 0);
  }
  return {
    staged,
    dropped,
    inserted: written - updated,
    updated,
    revisions,
    firstLoad,
    spans: rows.map((r) => ({
      usagePointId: r.usage_point_id,
      meterReadingId: r.meter_reading_id,
      from: Number(r.lo),
      to: Number(r.hi),
      inserted: Number(r.n) - Number(r.updated ?? 0),
      revised: Number(r.updated ?? 0),
    })),
  };
}
