import { Column, UpdateDateColumn } from 'typeorm';
import { MeterReadingKey } from './meter-reading-key';

// Aggregates of interval_reading per local day or month of the usage point's time zone, refreshed by the loader for
// the usage points and local days it touched. Sums stay raw and exact: the API applies 10^multiplier and the unit.
// bigint suffices: a month of 5-minute Int48 values (8 928 × 2^47) is below 2^63.
export abstract class UsageRollup extends MeterReadingKey {
  @Column({ type: 'bigint', name: 'value_sum' })
  valueSum: string;

  // Null when no reading of the period carried a cost.
  @Column({ type: 'bigint', name: 'cost_sum', nullable: true })
  costSum: string | null;

  @Column({ type: 'integer' })
  readings: number;

  @Column({ type: 'integer', default: 0 })
  estimated: number;

  // Readings a complete period would have (fewer on a 23-hour day); null for irregular series such as billing
  // periods, where no count is expected.
  @Column({ type: 'integer', nullable: true })
  expected: number | null;

  @Column({ type: 'timestamptz', name: 'first_start' })
  firstStart: Date;

  // End of the last reading (start + duration).
  @Column({ type: 'timestamptz', name: 'last_end' })
  lastEnd: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
