import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// Events to push (webhooks, third-party notifications), written in the transaction of what they report; a relay
// marks each dispatched once its deliveries are queued (src/services/events). The id is the event's identity for
// receivers, who may see an event more than once and drop repeats by it.
@Entity('event_outbox')
@Index('ix_event_outbox_pending', ['id'], { where: 'dispatched_at IS NULL' })
export class EventOutboxEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_event_outbox',
  })
  id: string;

  // USAGE_LOADED, USAGE_REVISED, ALERT_RAISED, IMPORT_FAILED.
  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'bigint', name: 'usage_point_id', nullable: true })
  usagePointId: string | null;

  // The customer the usage point belongs to when the event was recorded, for endpoints scoped to customers.
  @Column({ type: 'bigint', name: 'customer_id', nullable: true })
  customerId: string | null;

  @Column({ type: 'bigint', name: 'batch_id', nullable: true })
  batchId: string | null;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'clock_timestamp()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'dispatched_at', nullable: true })
  dispatchedAt: Date | null;
}
