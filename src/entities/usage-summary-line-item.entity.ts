import { Column, Entity, ForeignKey, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { UsageSummaryEntity } from './usage-summary.entity';

// ESPI LineItem of a usage summary's bill. The loader replaces a summary's line items wholesale on re-import, since
// line items carry no identity of their own.
@Entity('usage_summary_line_item')
@ForeignKey(() => UsageSummaryEntity, ['usagePointId', 'usageSummaryId'], ['usagePointId', 'id'], {
  name: 'fk_usage_summary_line_item_summary',
  onDelete: 'CASCADE',
})
export class UsageSummaryLineItemEntity {
  @PrimaryColumn({ type: 'bigint', name: 'usage_point_id' })
  usagePointId: string;

  @PrimaryColumn({ type: 'bigint', name: 'usage_summary_id' })
  usageSummaryId: string;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  // 1/100000 of the summary's currency, like rounding and unitCost.
  @Column({ type: 'bigint' })
  amount: string;

  @Column({ type: 'bigint', nullable: true })
  rounding: string | null;

  @Column({ type: 'bigint', name: 'unit_cost', nullable: true })
  unitCost: string | null;

  // Optional in ESPI, and left out by some utilities.
  @Column({ type: 'timestamptz', name: 'date_time', nullable: true })
  dateTime: Date | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  // ESPI ItemKind (energy generation fee, tax, ...).
  @Column({ type: 'smallint', name: 'item_kind', nullable: true })
  itemKind: number | null;

  @Column({ type: 'timestamptz', name: 'item_period_start', nullable: true })
  itemPeriodStart: Date | null;

  @Column({ type: 'integer', name: 'item_period_duration', nullable: true })
  itemPeriodDuration: number | null;

  @Column({ type: 'bigint', name: 'measurement_value', nullable: true })
  measurementValue: string | null;

  @Column({ type: 'smallint', name: 'measurement_multiplier', nullable: true })
  measurementMultiplier: number | null;

  @Column({ type: 'smallint', name: 'measurement_uom', nullable: true })
  measurementUom: number | null;
}
