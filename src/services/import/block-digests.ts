import type { PoolClient } from 'pg';
import { intervalPartitionName, monthsCovering } from '../partitions';
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

/** The oids of interval_reading's partitions by name: what a digest's `partitions` are compared with. */
async function partitionOids(client: PoolClient): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string; oid: string }>(
    `SELECT c.relname AS name, c.oid::bigint AS oid FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'interval_reading'::regclass`,
  );
  return new Map(rows.map((r) => [r.name, r.oid]));
}

async function columns(client: PoolClient, list: { owner: BlockOwner; block: StagedBlock }[]) {
  const oids = await partitionOids(client);
  const partitions = new Map<string, string>();
  const partitionsOf = ({ block }: { block: StagedBlock }) => {
    const key = `${block.first}:${block.last}`;
    let found = partitions.get(key);
    if (found === undefined) {
      // A missing partition gives 0, which no stored row has.
      const months = monthsCovering(new Date(block.first * 1000), new Date(block.last * 1000 + 1000));
      partitions.set(key, (found = `{${months.map((m) => oids.get(intervalPartitionName(m)) ?? '0').join(',')}}`));
    }
    return found;
  };
  return [
    list.map((b) => b.owner.block),
    list.map((b) => b.owner.usagePointId),
    list.map((b) => b.owner.meterReadingId),
    list.map((b) => b.block.first),
    list.map((b) => b.block.last),
    list.map((b) => b.block.readings),
    list.map((b) => (b.block.digest as Buffer).toString('hex')),
    list.map(partitionsOf),
  ];
}

/**
 * The skipped blocks that must be staged after all: their owner, known only now, has no digest row of the same
 * range, count and digest, or its partitions are no longer the ones the readings were written to. Runs under the
 * load's usage-point locks, so what it finds holds until commit.
 */
export async function unverifiedSkips(
  client: PoolClient,
  owners: BlockOwner[],
  blocks: Map<number, StagedBlock>,
): Promise<number[]> {
  const skipped = ownedBlocks(owners, blocks, (b) => b.skipped === true);
  if (skipped.length === 0) return [];
  const { rows } = await client.query<{ block: number }>(
    `SELECT k.block FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::int[], $7::text[], $8::text[])
                          AS k (block, usage_point_id, meter_reading_id, first, last, readings, digest, partitions)
      WHERE NOT EXISTS (
              SELECT 1 FROM interval_block_digest d
               WHERE d.usage_point_id = k.usage_point_id AND d.meter_reading_id = k.meter_reading_id
                 AND d.first_start = to_timestamp(k.first) AND d.last_start = to_timestamp(k.last)
                 AND d.readings = k.readings AND d.digest = decode(k.digest, 'hex')
                 AND d.partitions = k.partitions::bigint[])`,
    await columns(client, skipped),
  );
  return rows.map((r) => r.block);
}

/**
 * After the readings are written: one row per owned block, which its readings now match. Two blocks of one series
 * starting at the same instant cannot both have kept a reading there; should they, neither gets a row. With
 * `exceptSkipped`, skipped blocks are left out: their rows were just verified, and no update (so no trigger) has
 * touched them since.
 */
export async function storeDigests(
  client: PoolClient,
  batchId: string,
  owners: BlockOwner[],
  blocks: Map<number, StagedBlock>,
  exceptSkipped: boolean,
): Promise<void> {
  const list = ownedBlocks(owners, blocks, (b) => !(exceptSkipped && b.skipped));
  const key = (b: (typeof list)[number]) => `${b.owner.meterReadingId}:${b.block.first}`;
  const seen = new Map<string, number>();
  for (const b of list) seen.set(key(b), (seen.get(key(b)) ?? 0) + 1);
  const unique = list.filter((b) => seen.get(key(b)) === 1);
  if (unique.length === 0) return;
  await client.query(
    `INSERT INTO interval_block_digest AS d (usage_point_id, meter_reading_id, first_start, last_start, readings, digest,
                                             partitions, batch_id)
     SELECT usage_point_id, meter_reading_id, to_timestamp(first), to_timestamp(last), readings, decode(digest, 'hex'),
            partitions::bigint[], $9
       FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::int[], $7::text[], $8::text[])
            AS k (block, usage_point_id, meter_reading_id, first, last, readings, digest, partitions)
     ON CONFLICT ON CONSTRAINT pk_interval_block_digest DO UPDATE SET
       last_start = EXCLUDED.last_start, readings = EXCLUDED.readings, digest = EXCLUDED.digest,
       partitions = EXCLUDED.partitions, batch_id = EXCLUDED.batch_id
     WHERE (d.last_start, d.readings, d.digest, d.partitions)
           IS DISTINCT FROM (EXCLUDED.last_start, EXCLUDED.readings, EXCLUDED.digest, EXCLUDED.partitions)`,
    [...(await columns(client, unique)), batchId],
  );
}
