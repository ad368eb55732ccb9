import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { AlertRuleEntity } from './alert-rule.entity';
import { UsagePointEntity } from './usage-point.entity';

// One crossing of an alert rule's threshold: at most one per rule and period (a local day, an ISO week, a billing
// cycle, or a stretch without readings from its start). Raised in the transaction of its ALERT_RAISED event.
@Entity('alert')
@Unique('uq_alert_rule_period', ['ruleId', 'periodStart'])
@Index('ix_alert_usage_point', ['usagePointId', 'id'])
export class AlertEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_alert',
  })
  id: string;

  // Null once the rule is deleted: the alerts it raised stay in the customer's history.
  @Column({ type: 'bigint', name: 'rule_id', nullable: true })
  @ForeignKey(() => AlertRuleEntity, { name: 'fk_alert_rule', onDelete: 'SET NULL' })
  ruleId: string | null;

  @Column({ type: 'bigint', name: 'usage_point_id' })
  @ForeignKey(() => UsagePointEntity, { name: 'fk_alert_usage_point', onDelete: 'CASCADE' })
  usagePointId: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'timestamptz', name: 'period_start' })
  periodStart: Date;

  @Column({ type: 'timestamptz', name: 'period_end' })
  periodEnd: Date;

  // What crossed the threshold (usage, cost, projected cost, or days without readings) and the threshold then.
  @Column({ type: 'numeric' })
  value: string;

  @Column({ type: 'numeric' })
  threshold: string;

  @Column({ type: 'timestamptz', name: 'raised_at', default: () => 'clock_timestamp()' })
  raisedAt: Date;
}
