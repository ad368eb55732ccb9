import { createHash, type Hash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { EspiIntervalReading } from '../../espi';
import { ESTIMATED_QUALITY_MASK, qualityMask } from '../../entities';
import { encodeReading, MAX_READING_BYTES } from './reading-tuple';
import { SpillFile } from '../../espi/spill-file';

// Which meter reading owns a block is known only once the whole file has been linked, so readings wait by block
// ordinal: in the writer's spill while the file is parsed, then, unless a first load copies them straight into
// interval_reading, in import_staging. A temporary table is session-local (no name clash between workers), unlogged
// and dropped at commit or rollback, so a crash leaves nothing behind.
export async function createStaging(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE import_staging (
      block integer NOT NULL,
      start timestamptz NOT NULL,
      duration integer NOT NULL,
      value bigint NOT NULL,
      cost bigint,
      quality integer NOT NULL,
      tou smallint,
      cpp smallint,
      consumption_tier smallint
    ) ON COMMIT DROP`);
  await client.query(`
    CREATE TEMP TABLE import_block_owner (
      block integer PRIMARY KEY,
      usage_point_id bigint NOT NULL,
      meter_reading_id bigint NOT NULL
    ) ON COMMIT DROP`);
}

/** What was staged of one block: the loader's counts and rollup spans come from these, not from a scan of the table. */
export interface StagedBlock {
  readings: number;
  /** Epoch seconds of the block's first and last reading start. */
  first: number;
  last: number;
  /** sha256 of the block's staged tuples (tupleDigest), once the block has ended. */
  digest?: Buffer;
  /** Its digest was among the skippable ones: its readings were not staged (the loader checks it against its owner). */
  skipped?: boolean;
  /** Sums of the staged readings, so that a first load's daily rollups need not read them back (rollups.ts). */
  sums: BlockSums;
}

/** A block's contribution to a local day's rollup, when the whole block lies in that day. */
export interface BlockSums {
  value: number;
  cost: number;
  /** Readings with a cost: none makes the day's cost_sum null, as SQL's sum() does. */
  costs: number;
  estimated: number;
  /** Latest start + duration. */
  lastEnd: number;
  /** Every partial sum stayed a safe integer, so value and cost are exact. */
  exact: boolean;
}

function addSums(sums: BlockSums, r: EspiIntervalReading & { value: number }, quality: number) {
  sums.value += r.value;
  if (r.cost !== undefined) {
    sums.cost += r.cost;
    sums.costs++;
  }
  if ((quality & ESTIMATED_QUALITY_MASK) !== 0) sums.estimated++;
  if (r.start + r.duration > sums.lastEnd) sums.lastEnd = r.start + r.duration;
  if (!Number.isSafeInteger(sums.value) || !Number.isSafeInteger(sums.cost)) sums.exact = false;
}

/** Spilled readings kept in memory before they go to a temporary file. */
const SPILL_MEMORY_BYTES = 16 * 1024 * 1024;
/** Each batch of a block's readings in the spill: its ordinal and byte length, then the encoded readings. */
const SEGMENT_HEADER = 8;
/** Tuples handed to the COPY stream at a time. */
const OUT_BYTES = 1 << 20;

/**
 * Takes the readings as the parser yields them: counts, bounds and sums each block, hashes it (its digest), and
 * spills its readings already encoded as binary COPY fields, so that once the file is linked they go into
 * import_staging, or on a first load straight into interval_reading, without another pass over the file. A block
 * marked skipped (skip()) stays in the spill, to be copied only if its owner does not confirm it.
 */
export class StagingWriter {
  private readonly spill: SpillFile;
  private readonly open = new Map<number, Hash>();
  /** Readings without a value: interval_reading.value is NOT NULL, so they are counted as rejected. */
  withoutValue = 0;
  readonly blocks = new Map<number, StagedBlock>();

  constructor(memoryBytes = SPILL_MEMORY_BYTES, tempDir?: string) {
    this.spill = new SpillFile(memoryBytes, tempDir, 'import-readings-');
  }

  write(block: number, readings: EspiIntervalReading[]): void {
    const spill = this.spill;
    spill.reserve(SEGMENT_HEADER + readings.length * (2 + MAX_READING_BYTES));
    const buf = spill.buf;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const from = spill.at;
    let at = from + SEGMENT_HEADER;
    let stats = this.blocks.get(block);
    for (const r of readings) {
      if (r.value === undefined) {
        this.withoutValue++;
        continue;
      }
      if (!stats) {
        const sums = { value: 0, cost: 0, costs: 0, estimated: 0, lastEnd: -Infinity, exact: true };
        this.blocks.set(block, (stats = { readings: 0, first: r.start, last: r.start, sums }));
      }
      stats.readings++;
      if (r.start < stats.first) stats.first = r.start;
      if (r.start > stats.last) stats.last = r.start;
      const quality = r.qualities?.length ? qualityMask(r.qualities) : 0;
      addSums(stats.sums, r as EspiIntervalReading & { value: number }, quality);
      const end = encodeReading(view, at + 2, r as EspiIntervalReading & { value: number }, quality);
      view.setUint16(at, end - at - 2);
      at = end;
    }
    if (at === from + SEGMENT_HEADER) return;
    buf.writeUInt32LE(block, from);
    buf.writeUInt32LE(at - from - SEGMENT_HEADER, from + 4);
    spill.at = at;
    let hash = this.open.get(block);
    if (!hash) this.open.set(block, (hash = createHash('sha256')));
    hash.update(buf.subarray(from + SEGMENT_HEADER, at));
  }

  /** The block is complete: its digest is final. */
  endBlock(block: number): void {
    const hash = this.open.get(block);
    if (!hash) return;
    this.open.delete(block);
    (this.blocks.get(block) as StagedBlock).digest = hash.digest();
  }

  /** Marks skipped the blocks whose digest is one of these (a forced reload: those its checksum's earlier loads stored). */
  skip(digests: ReadonlySet<string>): void {
    if (digests.size === 0) return;
    for (const block of this.blocks.values())
      if (block.digest && digests.has(block.digest.toString('hex'))) block.skipped = true;
  }

  /** Blocks never ended (a reader stopped early, or one that has no block events) end here. */
  end(): void {
    for (const block of [...this.open.keys()]) this.endBlock(block);
  }

  /**
   * The spilled readings, a batch at a time in file order, of the blocks `prefixOf` gives a tuple prefix (its
   * field count and leading columns, see reading-tuple.ts): whole binary COPY tuples, each buffer fresh (a stream
   * may still hold the last). Skipped blocks are left out. May be read again (a CIM message's first load reads it
   * into import_staging, then into interval_reading).
   */
  *tuples(prefixOf: (block: number) => Buffer | undefined): Generator<Buffer> {
    let out = Buffer.allocUnsafe(OUT_BYTES);
    for (const chunk of this.spill.chunks()) {
      let o = 0;
      for (let at = 0; at < chunk.length;) {
        const block = chunk.readUInt32LE(at);
        const end = at + SEGMENT_HEADER + chunk.readUInt32LE(at + 4);
        at += SEGMENT_HEADER;
        const prefix = this.blocks.get(block)?.skipped ? undefined : prefixOf(block);
        if (!prefix) {
          at = end;
          continue;
        }
        while (at < end) {
          const length = chunk.readUInt16BE(at);
          if (o + prefix.length + length > out.length) {
            yield out.subarray(0, o);
            out = Buffer.allocUnsafe(OUT_BYTES);
            o = 0;
          }
          o += prefix.copy(out, o);
          o += chunk.copy(out, o, at + 2, at + 2 + length);
          at += 2 + length;
        }
      }
      if (o > 0) {
        yield out.subarray(0, o);
        out = Buffer.allocUnsafe(OUT_BYTES);
      }
    }
  }

  /** Deletes the spill's temporary file, if there is one. */
  close(): void {
    this.spill.close();
  }
}
