import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { MeterReadingKey } from './meter-reading-key';

// Partitioned BY RANGE (start) by month in the migration; partitions come from src/services/partitions.ts. TypeORM
// sees the partitioned parent as an ordinary table, which is all it needs to compare columns and keys. No foreign key
// to meter_reading: checked per row it dominated the load; triggers on meter_reading and the loader's FOR KEY SHARE
// lock keep the references whole (migrations/1764500000000-IntervalReadingWithoutForeignKey.ts).
@Entity('interval_reading')
@Check('ck_interval_reading_duration', 'duration > 0')
export class IntervalReadingEntity extends MeterReadingKey {
  @PrimaryColumn({ type: 'timestamptz' })
  start: Date;

  // Seconds; 23- and 25-hour daily readings and 27–35-day billing periods occur.
  @Column({ type: 'integer' })
  duration: number;

  // Raw ESPI Int48 value; the unit and power-of-ten multiplier are the meter reading's reading type's.
  @Column({ type: 'bigint' })
  value: string;

  // 1/100000 of the reading type's currency.
  @Column({ type: 'bigint', nullable: true })
  cost: string | null;

  // Bit n set = ESPI QualityOfReading code n was given (see qualityMask). A fixed 4-byte int instead of smallint[]
  // (an array costs 20+ bytes a row) on a table with billions of rows; every ESPI code is below 32. 0 = none given.
  @Column({ type: 'integer', default: 0 })
  quality: number;

  @Column({ type: 'smallint', nullable: true })
  tou: number | null;

  @Column({ type: 'smallint', nullable: true })
  cpp: number | null;

  @Column({ type: 'smallint', name: 'consumption_tier', nullable: true })
  consumptionTier: number | null;

  // The import_batch that last wrote the row (no foreign key: see the migration).
  @Column({ type: 'bigint', name: 'batch_id', nullable: true })
  batchId: string | null;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}

// ESPI QualityOfReading codes that mean the value is not measured.
export const ESTIMATED_QUALITY_CODES = [8, 9, 12] as const;

export function qualityMask(codes: Iterable<number>): number {
  let mask = 0;
  for (const code of codes) {
    if (!Number.isInteger(code) || code < 0 || code > 30) throw new RangeError(`quality code ${code} is outside 0..30`);
    mask |= 1 << code;
  }
  return mask;
}

export const ESTIMATED_QUALITY_MASK = qualityMask(ESTIMATED_QUALITY_CODES);
