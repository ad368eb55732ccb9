import { Column, Entity, PrimaryColumn } from 'typeorm';

// How far the alert evaluator has read usage_change: advanced in the transaction of the alerts it raised, so a crash
// evaluates the same changes again, which the one-alert-per-rule-and-period key makes harmless.
@Entity('alert_watermark')
export class AlertWatermarkEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_alert_watermark' })
  name: string;

  // The highest usage_change id evaluated.
  @Column({ type: 'bigint', name: 'change_id' })
  changeId: string;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
