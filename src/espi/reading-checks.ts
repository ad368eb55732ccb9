import type { SpilledBlock } from './block-spill';
import type { LinkDiagnostics } from './link-diagnostics';
import { PendingBlocks } from './pending-blocks';
import type { BlockInfo, EspiIntervalReading } from './records';

/** The checks on each block's readings as they stream, and what they tally of the blocks still open. */
export class ReadingChecks {
  private readonly blocks = new PendingBlocks();
  /**
   * The last accepted reading and its block, for the neighbour-overlap rule. One pair suffices: the readers finish
   * a block's readings before the next block's begin.
   */
  private previous: EspiIntervalReading | undefined;
  private previousOrdinal = -1;

  constructor(private readonly diagnostics: LinkDiagnostics) {}

  /** Most blocks whose readings were streaming at once. */
  get peakOpenBlocks(): number {
    return this.blocks.peakOpen;
  }

  /** The block's readings are all in: its tallies, as the row that waits for its owner. */
  close(block: BlockInfo): SpilledBlock {
    const row = this.blocks.close(block);
    // The last reading, kept for the neighbour-overlap rule, is not needed any more.
    if (this.previousOrdinal === block.ordinal) this.previous = undefined;
    return row;
  }

  /** Drops readings whose interval repeats or overlaps one already in the block; keeps running totals. */
  check(info: BlockInfo, readings: EspiIntervalReading[]): EspiIntervalReading[] {
    const o = info.ordinal;
    let kept = readings;
    for (let i = 0; i < readings.length; i++) {
      const r = readings[i];
      const end = r.start + r.duration;
      // A zero-length reading still occupies its start second, so two of them at one instant are caught.
      if (!this.blocks.cover(o, r.start, Math.max(end, r.start + 1)) && !this.overlapsOnlyNeighbour(r, info)) {
        if (kept === readings) kept = readings.slice(0, i);
        this.diagnostics.report({
          severity: 'error',
          code: 'reading-duplicate-start',
          message: `reading at ${r.start} (${new Date(r.start * 1000).toISOString()}) repeats or overlaps another in its block`,
          line: r.line,
          entity: info.entry.self ?? info.entry.id,
        });
        continue;
      }
      if (kept !== readings) kept.push(r);
      this.previous = r;
      this.previousOrdinal = o;
      this.blocks.count(o, r.start, end, r.duration, r.value, r.cost);
    }
    return kept;
  }

  /**
   * Billing-period files compute durations from local dates, so a period that spans a DST change runs an hour
   * into its neighbour. A reading that only overlaps the reading before it in the file, with a different start,
   * is kept with a warning; its non-overlapping part joins the coverage. Identical starts stay errors.
   */
  private overlapsOnlyNeighbour(r: EspiIntervalReading, info: BlockInfo): boolean {
    const p = this.previousOrdinal === info.ordinal ? this.previous : undefined;
    if (!p || p.start === r.start) return false;
    const end = r.start + r.duration;
    const pEnd = p.start + p.duration;
    const clipped: [number, number] | undefined =
      r.start > p.start && r.start < pEnd && end > pEnd
        ? [pEnd, end]
        : r.start < p.start && end > p.start
          ? [r.start, p.start]
          : undefined;
    if (!clipped || !this.blocks.cover(info.ordinal, clipped[0], clipped[1])) return false;
    this.diagnostics.report({
      severity: 'warning',
      code: 'reading-overlap',
      message: `reading at ${new Date(r.start * 1000).toISOString()} overlaps its neighbour by ${Math.min(end, pEnd) - Math.max(r.start, p.start)} s`,
      line: r.line,
      entity: info.entry.self ?? info.entry.id,
    });
    return true;
  }
}
