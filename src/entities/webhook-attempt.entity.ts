import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';

// One POST of a delivery: what the receiver answered (or why there was no answer) and how long it took.
@Entity('webhook_attempt')
@Index('ix_webhook_attempt_delivery', ['deliveryId', 'id'])
export class WebhookAttemptEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_webhook_attempt',
  })
  id: string;

  @Column({ type: 'bigint', name: 'delivery_id' })
  @ForeignKey(() => WebhookDeliveryEntity, { name: 'fk_webhook_attempt_delivery', onDelete: 'CASCADE' })
  deliveryId: string;

  @Column({ type: 'timestamptz', name: 'attempted_at', default: () => 'clock_timestamp()' })
  attemptedAt: Date;

  @Column({ type: 'integer', name: 'duration_ms' })
  durationMs: number;

  @Column({ type: 'integer', name: 'status_code', nullable: true })
  statusCode: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
