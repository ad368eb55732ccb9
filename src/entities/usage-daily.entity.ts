import { Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { MeterReadingEntity } from './meter-reading.entity';
import { UsageRollup } from './usage-rollup';

// Not partitioned: about 1/96 of interval_reading's rows for 15-minute data, always read by the primary key prefix.
@Entity('usage_daily')
@ForeignKey(() => MeterReadingEntity, ['usagePointId', 'meterReadingId'], ['usagePointId', 'id'], {
  name: 'fk_usage_daily_meter_reading',
  onDelete: 'CASCADE',
})
export class UsageDailyEntity extends UsageRollup {
  // YYYY-MM-DD in the usage point's time zone (pg returns date as a string, which avoids a shift through UTC).
  @PrimaryColumn({ type: 'date', name: 'local_date' })
  localDate: string;
}
