import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { IntervalReading } from '../../espi';
import { ESTIMATED_QUALITY_MASK, qualityMask } from '../../entities';

// Readings are staged by block ordinal while the file is parsed: which meter reading owns a block is known only once
// the whole file has been linked. A temporary table is session-local (no name clash between workers), unlogged and
// dropped at commit or rollback, so a crash leaves nothing behind.
export async function createStaging(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE import_staging (
      block integer NOT NULL,
      start bigint NOT NULL,
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

const NULL = '\\N';
const opt = (v: number | undefined) => (v === undefined ? NULL : String(v));

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

function addSums(sums: BlockSums, r: IntervalReading & { value: number }) {
  sums.value += r.value;
  if (r.cost !== undefined) {
    sums.cost += r.cost;
    sums.costs++;
  }
  if (r.qualities?.length && (qualityMask(r.qualities) & ESTIMATED_QUALITY_MASK) !== 0) sums.estimated++;
  if (r.start + r.duration > sums.lastEnd) sums.lastEnd = r.start + r.duration;
  if (!Number.isSafeInteger(sums.value) || !Number.isSafeInteger(sums.cost)) sums.exact = false;
}

/** Readings of the blocks held back while their digest is not known yet; past this, the oldest is staged. */
const HELD_READINGS = 100_000;

/** Per reading: start, duration, value, cost, quality, tou, cpp, consumption tier, and which of them were given. */
const TUPLE_FIELDS = 9;
let tuples = new Float64Array(TUPLE_FIELDS * 2048);

/**
 * Feeds the staged tuples of these readings (those with a value) to the block's hash, as float64s: exact for every
 * field (all are integers within 2^53), and no text to build for a block that may not be staged.
 */
function hashTuples(hash: Hash, readings: IntervalReading[]): void {
  if (tuples.length < readings.length * TUPLE_FIELDS) tuples = new Float64Array(readings.length * TUPLE_FIELDS);
  let i = 0;
  for (const r of readings) {
    if (r.value === undefined) continue;
    tuples[i++] = r.start;
    tuples[i++] = r.duration;
    tuples[i++] = r.value;
    tuples[i++] = r.cost ?? 0;
    tuples[i++] = r.qualities?.length ? qualityMask(r.qualities) : 0;
    tuples[i++] = r.tou ?? 0;
    tuples[i++] = r.cpp ?? 0;
    tuples[i++] = r.consumptionTier ?? 0;
    tuples[i++] = (r.cost === undefined ? 0 : 1) | (r.tou === undefined ? 0 : 2) | (r.cpp === undefined ? 0 : 4) | (r.consumptionTier === undefined ? 0 : 8);
  }
  hash.update(new Uint8Array(tuples.buffer, 0, i * 8));
}

interface OpenBlock {
  hash: Hash;
  /** Its readings so far, while it may still be skipped. */
  held?: IntervalReading[][];
  heldReadings: number;
}

/**
 * One COPY stream for the whole file, fed as the parser yields batches; write() waits when PostgreSQL falls behind,
 * so memory stays bounded whatever the file size (a few numbers and a digest per block are kept).
 *
 * With `skippable` digests (a forced reload: those its checksum's earlier loads stored), a block's readings are held
 * until endBlock() gives its digest; a block whose digest is skippable is not staged at all. What is held is bounded:
 * past HELD_READINGS the oldest held block is staged and no longer skippable.
 */
export class StagingWriter {
  private readonly stream;
  private readonly done: Promise<void>;
  private readonly open = new Map<number, OpenBlock>();
  private heldReadings = 0;
  staged = 0;
  /** Readings without a value: interval_reading.value is NOT NULL, so they are counted as rejected. */
  withoutValue = 0;
  readonly blocks = new Map<number, StagedBlock>();

  constructor(
    client: PoolClient,
    private readonly skippable: ReadonlySet<string> = new Set(),
  ) {
    this.stream = client.query(copyFrom(`COPY import_staging FROM STDIN`));
    this.done = new Promise((resolve, reject) => {
      this.stream.on('finish', resolve);
      this.stream.on('error', reject);
    });
    // An error surfaces through `done`; without a listener it would also crash the process.
    this.done.catch(() => undefined);
  }

  async write(block: number, readings: IntervalReading[]): Promise<void> {
    let stats = this.blocks.get(block);
    let kept = 0;
    for (const r of readings) {
      if (r.value === undefined) {
        this.withoutValue++;
        continue;
      }
      kept++;
      if (!stats) {
        const sums = { value: 0, cost: 0, costs: 0, estimated: 0, lastEnd: -Infinity, exact: true };
        this.blocks.set(block, (stats = { readings: 0, first: r.start, last: r.start, sums }));
      }
      stats.readings++;
      if (r.start < stats.first) stats.first = r.start;
      if (r.start > stats.last) stats.last = r.start;
      addSums(stats.sums, r as IntervalReading & { value: number });
    }
    if (kept === 0) return;
    this.staged += kept;
    let open = this.open.get(block);
    if (!open) this.open.set(block, (open = { hash: createHash('sha256'), held: this.skippable.size ? [] : undefined, heldReadings: 0 }));
    hashTuples(open.hash, readings);
    if (open.held) {
      open.held.push(readings.slice());
      open.heldReadings += kept;
      this.heldReadings += kept;
      if (this.heldReadings > HELD_READINGS) await this.release();
      return;
    }
    await this.send(block, readings);
  }

  /** The block is complete: its digest is final, and a held block is staged unless its digest is skippable. */
  async endBlock(block: number): Promise<void> {
    const open = this.open.get(block);
    if (!open) return;
    this.open.delete(block);
    const stats = this.blocks.get(block) as StagedBlock;
    stats.digest = open.hash.digest();
    if (!open.held) return;
    this.heldReadings -= open.heldReadings;
    if (this.skippable.has(stats.digest.toString('hex'))) stats.skipped = true;
    else for (const readings of open.held) await this.send(block, readings);
  }

  /** Stages the held block that came first (Map order), which then streams on without being held. */
  private async release(): Promise<void> {
    for (const [block, open] of this.open) {
      if (!open.held) continue;
      const held = open.held;
      this.heldReadings -= open.heldReadings;
      open.held = undefined;
      for (const readings of held) await this.send(block, readings);
      return;
    }
  }

  private async send(block: number, readings: IntervalReading[]): Promise<void> {
    let text = '';
    for (const r of readings) {
      if (r.value === undefined) continue;
      const quality = r.qualities?.length ? qualityMask(r.qualities) : 0;
      text += `${block}\t${r.start}\t${r.duration}\t${r.value}\t${opt(r.cost)}\t${quality}\t${opt(r.tou)}\t${opt(r.cpp)}\t${opt(r.consumptionTier)}\n`;
    }
    if (!this.stream.write(text)) await Promise.race([once(this.stream, 'drain'), this.done]);
  }

  /** Blocks never ended (a reader stopped early, or one that has no block events) end here. */
  async end(): Promise<void> {
    for (const block of [...this.open.keys()]) await this.endBlock(block);
    this.stream.end();
    await this.done;
  }
}
