import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UsagePointEntity } from './usage-point.entity';

// A customer's alert rule on one of its usage points (src/services/alerts): a threshold on daily or weekly usage or
// cost or on the projected bill, or a number of days without readings.
@Entity('alert_rule')
@Index('ix_alert_rule_usage_point', ['usagePointId', 'kind'])
@Check(
  'ck_alert_rule_kind',
  `kind IN ('DAILY_USAGE_ABOVE', 'DAILY_COST_ABOVE', 'WEEKLY_USAGE_ABOVE', 'WEEKLY_COST_ABOVE', 'BILL_PROJECTED_ABOVE', 'DATA_MISSING')`,
)
export class AlertRuleEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_alert_rule',
  })
  id: string;

  @Column({ type: 'bigint', name: 'usage_point_id' })
  @ForeignKey(() => UsagePointEntity, { name: 'fk_alert_rule_usage_point', onDelete: 'CASCADE' })
  usagePointId: string;

  @Column({ type: 'text' })
  kind: string;

  // In the series' unit or the currency; null for DATA_MISSING, which counts days.
  @Column({ type: 'numeric', nullable: true })
  threshold: string | null;

  // DATA_MISSING only: days without readings before the alert.
  @Column({ type: 'integer', nullable: true })
  days: number | null;

  // The token subject that created it (the customer, or a CSR or ADMIN on its behalf).
  @Column({ type: 'text', name: 'created_by' })
  createdBy: string;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
