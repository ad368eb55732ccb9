import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { IntervalReading } from '../../espi';
import { qualityMask } from '../../entities';

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
  /** sha256 of the block's staged tuples (the COPY lines without the ordinal), once the block has ended. */
  digest?: Buffer;
  /** Its digest was among the skippable ones: its readings were not staged (the loader checks it against its owner). */
  skipped?: boolean;
}

/** Text of the blocks held back while their digest is not known yet; a block that would pass it is staged as it comes. */
const HELD_BYTES = 8 << 20;

interface OpenBlock {
  hash: Hash;
  /** Its COPY lines so far, while it may still be skipped. */
  held?: string[];
}

/**
 * One COPY stream for the whole file, fed as the parser yields batches; write() waits when PostgreSQL falls behind,
 * so memory stays bounded whatever the file size (a few numbers and a digest per block are kept).
 *
 * With `skippable` digests (a forced reload: those its checksum's earlier loads stored), a block's lines are held
 * until endBlock() gives its digest; a block whose digest is skippable is not staged at all. Held text is bounded:
 * past HELD_BYTES the oldest held block is staged and no longer skippable.
 */
export class StagingWriter {
  private readonly stream;
  private readonly done: Promise<void>;
  private readonly open = new Map<number, OpenBlock>();
  private heldBytes = 0;
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
    let tuples = '';
    let text = '';
    let stats = this.blocks.get(block);
    for (const r of readings) {
      if (r.value === undefined) {
        this.withoutValue++;
        continue;
      }
      const quality = r.qualities?.length ? qualityMask(r.qualities) : 0;
      const tuple = `${r.start}\t${r.duration}\t${r.value}\t${opt(r.cost)}\t${quality}\t${opt(r.tou)}\t${opt(r.cpp)}\t${opt(r.consumptionTier)}\n`;
      tuples += tuple;
      text += `${block}\t${tuple}`;
      this.staged++;
      if (!stats) this.blocks.set(block, (stats = { readings: 0, first: r.start, last: r.start }));
      stats.readings++;
      if (r.start < stats.first) stats.first = r.start;
      if (r.start > stats.last) stats.last = r.start;
    }
    if (!text) return;
    let open = this.open.get(block);
    if (!open) this.open.set(block, (open = { hash: createHash('sha256'), held: this.skippable.size ? [] : undefined }));
    open.hash.update(tuples);
    if (open.held) {
      open.held.push(text);
      this.heldBytes += text.length;
      if (this.heldBytes > HELD_BYTES) await this.release();
      return;
    }
    await this.send(text);
  }

  /** The block is complete: its digest is final, and a held block is staged unless its digest is skippable. */
  async endBlock(block: number): Promise<void> {
    const open = this.open.get(block);
    if (!open) return;
    this.open.delete(block);
    const stats = this.blocks.get(block) as StagedBlock;
    stats.digest = open.hash.digest();
    if (!open.held) return;
    this.heldBytes -= open.held.reduce((n, t) => n + t.length, 0);
    if (this.skippable.has(stats.digest.toString('hex'))) stats.skipped = true;
    else await this.send(open.held.join(''));
  }

  /** Stages the held block that came first (Map order), which then streams on without being held. */
  private async release(): Promise<void> {
    for (const open of this.open.values()) {
      if (!open.held) continue;
      const text = open.held.join('');
      this.heldBytes -= text.length;
      open.held = undefined;
      return this.send(text);
    }
  }

  private async send(text: string): Promise<void> {
    if (!this.stream.write(text)) await Promise.race([once(this.stream, 'drain'), this.done]);
  }

  /** Blocks never ended (a reader stopped early, or one that has no block events) end here. */
  async end(): Promise<void> {
    for (const block of [...this.open.keys()]) await this.endBlock(block);
    this.stream.end();
    await this.done;
  }
}
