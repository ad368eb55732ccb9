import { Check, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { MeterReadingEntity } from './meter-reading.entity';
import { UsageRollup } from './usage-rollup';

@Entity('usage_monthly')
@ForeignKey(() => MeterReadingEntity, ['usagePointId', 'meterReadingId'], ['usagePointId', 'id'], {
  name: 'fk_usage_monthly_meter_reading',
  onDelete: 'CASCADE',
})
@Check('ck_usage_monthly_first_day', 'extract(day FROM local_month) = 1')
export class UsageMonthlyEntity extends UsageRollup {
  // First day of the local month, YYYY-MM-01.
  @PrimaryColumn({ type: 'date', name: 'local_month' })
  localMonth: string;
}
