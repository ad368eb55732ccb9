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
}

/**
 * One COPY stream for the whole file, fed as the parser yields batches; write() waits when PostgreSQL falls behind,
 * so memory stays bounded whatever the file size (a few numbers per block are kept).
 */
export class StagingWriter {
  private readonly stream;
  private readonly done: Promise<void>;
  staged = 0;
  /** Readings without a value: interval_reading.value is NOT NULL, so they are counted as rejected. */
  withoutValue = 0;
  readonly blocks = new Map<number, StagedBlock>();

  constructor(client: PoolClient) {
    this.stream = client.query(copyFrom(`COPY import_staging FROM STDIN`));
    this.done = new Promise((resolve, reject) => {
      this.stream.on('finish', resolve);
      this.stream.on('error', reject);
    });
    // An error surfaces through `done`; without a listener it would also crash the process.
    this.done.catch(() => undefined);
  }

  async write(block: number, readings: IntervalReading[]): Promise<void> {
    let text = '';
    let stats = this.blocks.get(block);
    for (const r of readings) {
      if (r.value === undefined) {
        this.withoutValue++;
        continue;
      }
      const quality = r.qualities?.length ? qualityMask(r.qualities) : 0;
      text += `${block}\t${r.start}\t${r.duration}\t${r.value}\t${opt(r.cost)}\t${quality}\t${opt(r.tou)}\t${opt(r.cpp)}\t${opt(r.consumptionTier)}\n`;
      this.staged++;
      if (!stats) this.blocks.set(block, (stats = { readings: 0, first: r.start, last: r.start }));
      stats.readings++;
      if (r.start < stats.first) stats.first = r.start;
      if (r.start > stats.last) stats.last = r.start;
    }
    if (text && !this.stream.write(text)) await Promise.race([once(this.stream, 'drain'), this.done]);
  }

  async end(): Promise<void> {
    this.stream.end();
    await this.done;
  }
}
