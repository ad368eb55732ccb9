import type { Sums } from './aggregates';
import { ExactSum } from './decimal';
import type { PackedRows } from './packed-rows';

/** The exact sums of one bucket, from rollup rows and raw reading sums alike. */
export class Accumulator {
  readonly value = new ExactSum();
  cost: ExactSum | null = null;
  readings = 0;
  estimated = 0;
  firstStart: number | null = null;
  lastEnd: number | null = null;

  merge(other: Accumulator): void {
    this.value.merge(other.value);
    if (other.cost !== null) (this.cost ??= new ExactSum()).merge(other.cost);
    this.readings += other.readings;
    this.estimated += other.estimated;
    if (other.firstStart !== null && (this.firstStart === null || other.firstStart < this.firstStart))
      this.firstStart = other.firstStart;
    if (other.lastEnd !== null && (this.lastEnd === null || other.lastEnd > this.lastEnd)) this.lastEnd = other.lastEnd;
  }

  /** The sums of a packed rollup row (aggregates.ts), after its period. */
  addPacked(rows: PackedRows, extent: boolean): void {
    this.value.addInteger(rows.next() as number, rows.digits);
    this.readings += rows.next() as number;
    this.estimated += rows.next() as number;
    if (extent) {
      const firstStart = rows.next() as number;
      const lastEnd = rows.next() as number;
      if (this.firstStart === null || firstStart < this.firstStart) this.firstStart = firstStart;
      if (this.lastEnd === null || lastEnd > this.lastEnd) this.lastEnd = lastEnd;
    }
    const cost = rows.next();
    if (cost !== null) (this.cost ??= new ExactSum()).addInteger(cost, rows.digits);
  }

  add(sums: Sums): void {
    this.value.add(sums.value);
    if (sums.cost !== null) (this.cost ??= new ExactSum()).add(sums.cost);
    this.readings += sums.readings;
    this.estimated += sums.estimated;
    if (this.firstStart === null || sums.firstStart < this.firstStart) this.firstStart = sums.firstStart;
    if (this.lastEnd === null || sums.lastEnd > this.lastEnd) this.lastEnd = sums.lastEnd;
  }
}
