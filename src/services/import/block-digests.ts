import type { PoolClient } from 'pg';
import type { BlockOwner } from './readings';
import type { StagedBlock } from './staging';

// interval_block_digest (migration 1765000000000): what a load wrote per block, so that a forced reload of the same
// file stages only the blocks whose stored readings may differ. The triggers on interval_reading keep a row only as
// long as the readings at its block's starts are the ones it describes.

/** The digests stored by the loads of this checksum: the blocks a forced reload may leave unstaged. */
export async function skippableDigests(client: PoolClient, checksum: string): Promise<Set<string>> {
  const { rows } = await client.query<{ digest: string }>(
    `SELECT encode(d.digest, 'hex') AS digest FROM interval_block_digest d
      WHERE d.batch_id IN (SELECT id FROM import_batch WHERE checksum = $1)`,
    [checksum],
  );
  return new Set(rows.map((r) => r.digest));
}

function ownedBlocks(owners: BlockOwner[], blocks: Map<number, StagedBlock>, which: (b: StagedBlock) => boolean) {
  const list: { owner: BlockOwner; block: StagedBlock }[] = [];
  for (const owner of owners) {
    const block = blocks.get(owner.block);
    if (block?.digest && which(block)) list.push({ owner, block });
  }
  return list;
}

const columns = (list: { owner: BlockOwner; block: StagedBlock }[]) => [
  list.map((b) => b.owner.block),
  list.map((b) => b.owner.usagePointId),
  list.map((b) => b.owner.meterReadingId),
  list.map((b) => b.block.first),
  list.map((b) => b.block.last),
  list.map((b) => b.block.readings),
  list.map((b) => (b.block.digest as Buffer).toString('hex')),
];

/**
 * The skipped blocks that must be staged after all: their owner, known only now, has no digest row of the same
 * range, count and digest, or no stored reading at its first start. Dropping a partition fires no trigger: retention
 * drops the oldest month, which takes the first reading of every block that reaches into it, so the probe catches it
 * (one probe, not two: after a bulk load each costs a heap visit). Runs under the load's usage-point locks, so what
 * it finds holds until commit.
 */
export async function unverifiedSkips(client: PoolClient, owners: BlockOwner[], blocks: Map<number, StagedBlock>): Promise<number[]> {
  const skipped = ownedBlocks(owners, blocks, (b) => b.skipped === true);
  if (skipped.length === 0) return [];
  const { rows } = await client.query<{ block: number }>(
    `SELECT k.block FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::int[], $7::text[])
                          AS k (block, usage_point_id, meter_reading_id, first, last, readings, digest)
      WHERE NOT EXISTS (
              SELECT 1 FROM interval_block_digest d
               WHERE d.usage_point_id = k.usage_point_id AND d.meter_reading_id = k.meter_reading_id
                 AND d.first_start = to_timestamp(k.first) AND d.last_start = to_timestamp(k.last)
                 AND d.readings = k.readings AND d.digest = decode(k.digest, 'hex'))
         OR NOT EXISTS (SELECT 1 FROM interval_reading r WHERE r.usage_point_id = k.usage_point_id
                           AND r.meter_reading_id = k.meter_reading_id AND r.start = to_timestamp(k.first))`,
    columns(skipped),
  );
  return rows.map((r) => r.block);
}

/**
 * After the readings are written: one row per owned block, which its readings now match. Two blocks of one series
 * starting at the same instant cannot both have kept a reading there; should they, neither gets a row.
 */
export async function storeDigests(client: PoolClient, batchId: string, owners: BlockOwner[], blocks: Map<number, StagedBlock>): Promise<void> {
  const list = ownedBlocks(owners, blocks, () => true);
  const key = (b: (typeof list)[number]) => `${b.owner.meterReadingId}:${b.block.first}`;
  const seen = new Map<string, number>();
  for (const b of list) seen.set(key(b), (seen.get(key(b)) ?? 0) + 1);
  const unique = list.filter((b) => seen.get(key(b)) === 1);
  if (unique.length === 0) return;
  await client.query(
    `INSERT INTO interval_block_digest AS d (usage_point_id, meter_reading_id, first_start, last_start, readings, digest, batch_id)
     SELECT usage_point_id, meter_reading_id, to_timestamp(first), to_timestamp(last), readings, decode(digest, 'hex'), $8
       FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::int[], $7::text[])
            AS k (block, usage_point_id, meter_reading_id, first, last, readings, digest)
     ON CONFLICT ON CONSTRAINT pk_interval_block_digest DO UPDATE SET
       last_start = EXCLUDED.last_start, readings = EXCLUDED.readings, digest = EXCLUDED.digest, batch_id = EXCLUDED.batch_id
     WHERE (d.last_start, d.readings, d.digest) IS DISTINCT FROM (EXCLUDED.last_start, EXCLUDED.readings, EXCLUDED.digest)`,
    [...columns(unique), batchId],
  );
}
