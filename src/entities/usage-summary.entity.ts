import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { ImportBatchEntity } from './import-batch.entity';
import { UsagePointEntity } from './usage-point.entity';

// ESPI UsageSummary / ElectricPowerUsageSummary for one billing period. Money is in 1/100000 of `currency`;
// a SummaryMeasurement is (value, power-of-ten multiplier, uom, timestamp) kept as received. The two measurements
// the portal shows get columns; the rarer ones (peak and ratchet demand, the current/previous day consumptions) go
// into other_measurements as { [espiElementName]: { value, powerOfTenMultiplier, uom, timeStamp } }.
@Entity('usage_summary')
@Unique('uq_usage_summary_billing_period', ['usagePointId', 'billingPeriodStart'])
export class UsageSummaryEntity {
  @PrimaryColumn({ type: 'bigint', name: 'usage_point_id', primaryKeyConstraintName: 'pk_usage_summary' })
  @ForeignKey(() => UsagePointEntity, { name: 'fk_usage_summary_usage_point', onDelete: 'CASCADE' })
  usagePointId: string;

  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_usage_summary',
  })
  id: string;

  @Column({ type: 'timestamptz', name: 'billing_period_start' })
  billingPeriodStart: Date;

  // Seconds.
  @Column({ type: 'integer', name: 'billing_period_duration' })
  billingPeriodDuration: number;

  // ESPI self href, for export and diagnostics.
  @Column({ type: 'text', name: 'external_id', nullable: true })
  externalId: string | null;

  @Column({ type: 'bigint', name: 'batch_id', nullable: true })
  @ForeignKey(() => ImportBatchEntity, { name: 'fk_usage_summary_batch', onDelete: 'SET NULL' })
  batchId: string | null;

  @Column({ type: 'bigint', name: 'bill_last_period', nullable: true })
  billLastPeriod: string | null;

  @Column({ type: 'bigint', name: 'bill_to_date', nullable: true })
  billToDate: string | null;

  @Column({ type: 'bigint', name: 'cost_additional_last_period', nullable: true })
  costAdditionalLastPeriod: string | null;

  @Column({ type: 'smallint', nullable: true })
  currency: number | null;

  @Column({ type: 'bigint', name: 'overall_consumption_last_period_value', nullable: true })
  overallConsumptionLastPeriodValue: string | null;

  @Column({ type: 'smallint', name: 'overall_consumption_last_period_multiplier', nullable: true })
  overallConsumptionLastPeriodMultiplier: number | null;

  @Column({ type: 'smallint', name: 'overall_consumption_last_period_uom', nullable: true })
  overallConsumptionLastPeriodUom: number | null;

  @Column({ type: 'timestamptz', name: 'overall_consumption_last_period_time_stamp', nullable: true })
  overallConsumptionLastPeriodTimeStamp: Date | null;

  @Column({ type: 'bigint', name: 'current_billing_period_over_all_consumption_value', nullable: true })
  currentBillingPeriodOverAllConsumptionValue: string | null;

  @Column({ type: 'smallint', name: 'current_billing_period_over_all_consumption_multiplier', nullable: true })
  currentBillingPeriodOverAllConsumptionMultiplier: number | null;

  @Column({ type: 'smallint', name: 'current_billing_period_over_all_consumption_uom', nullable: true })
  currentBillingPeriodOverAllConsumptionUom: number | null;

  @Column({ type: 'timestamptz', name: 'current_billing_period_over_all_consumption_time_stamp', nullable: true })
  currentBillingPeriodOverAllConsumptionTimeStamp: Date | null;

  @Column({ type: 'smallint', name: 'quality_of_reading', nullable: true })
  qualityOfReading: number | null;

  @Column({ type: 'timestamptz', name: 'status_time_stamp', nullable: true })
  statusTimeStamp: Date | null;

  @Column({ type: 'smallint', nullable: true })
  commodity: number | null;

  @Column({ type: 'text', name: 'read_cycle', nullable: true })
  readCycle: string | null;

  @Column({ type: 'text', name: 'tariff_profile', nullable: true })
  tariffProfile: string | null;

  @Column({ type: 'jsonb', name: 'other_measurements', default: () => `'{}'` })
  otherMeasurements: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
