import { once } from 'node:events';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { IntervalReadingEntity } from '../../entities';
import { columnNames, type EntitySelect } from '../../entities/columns';
import { faultPoint } from '../../fault-points';
import type { BlockOwner } from './readings';
import { COPY_SIGNATURE, COPY_TRAILER, tuplePrefix } from './reading-tuple';
import type { StagingWriter } from './staging';

// The columns of a reading's tuple (reading-tuple.ts), in its order.
const READING_COLUMNS = columnNames(IntervalReadingEntity, [
  'start',
  'duration',
  'value',
  'cost',
  'quality',
  'tou',
  'cpp',
  'consumptionTier',
]).join(', ');
export const READING_COPY_SELECTS: readonly EntitySelect[] = [
  { entity: IntervalReadingEntity, columns: READING_COLUMNS },
];

/** Streams tuples into a binary COPY, waiting whenever PostgreSQL falls behind; a failure aborts the COPY. */
async function copyBinary(client: PoolClient, target: string, tuples: Iterable<Buffer>): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${target} FROM STDIN (FORMAT binary)`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  // An error surfaces through `done`; without a listener it would also crash the process.
  done.catch(() => undefined);
  try {
    stream.write(COPY_SIGNATURE);
    for (const buf of tuples) {
      if (stream.write(buf)) continue;
      faultPoint('import:mid-copy');
      await Promise.race([once(stream, 'drain'), done]);
    }
    stream.end(COPY_TRAILER);
  } catch (error) {
    stream.destroy(error as Error);
    throw error;
  }
  await done;
}

/** Every staged block's readings into import_staging (a message still to be linked, or a load to compare). */
export async function copyIntoStaging(client: PoolClient, writer: StagingWriter): Promise<void> {
  const prefixes = new Map<number, Buffer>();
  const prefixOf = (block: number) => {
    let prefix = prefixes.get(block);
    if (!prefix) prefixes.set(block, (prefix = tuplePrefix([], block)));
    return prefix;
  };
  await copyBinary(client, `import_staging (block, ${READING_COLUMNS})`, writer.tuples(prefixOf));
}

/**
 * The owned blocks' readings straight into interval_reading: a first load, where nothing stored can conflict and
 * nothing needs comparing, pays for one COPY and no staging at all.
 */
export async function copyIntoReadings(
  client: PoolClient,
  writer: StagingWriter,
  owners: BlockOwner[],
  batchId: string | null,
): Promise<void> {
  const prefixes = new Map(owners.map((o) => [o.block, tuplePrefix([o.usagePointId, o.meterReadingId, batchId])]));
  const target = `interval_reading (usage_point_id, meter_reading_id, batch_id, ${READING_COLUMNS})`;
  await copyBinary(
    client,
    target,
    writer.tuples((block) => prefixes.get(block)),
  );
}
