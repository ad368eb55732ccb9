import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { EventOutboxEntity } from './event-outbox.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

// One event (an ESPI BatchList: the events of one relay run) for one endpoint. Written by the relay in the transaction
// that marks the events dispatched, so each (endpoint, event) has exactly one delivery whatever crashes.
@Entity('webhook_delivery')
@Unique('uq_webhook_delivery_event', ['endpointId', 'eventId'])
@Index('ix_webhook_delivery_unqueued', ['id'], { where: 'NOT queued' })
@Index('ix_webhook_delivery_status', ['status', 'id'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_webhook_delivery',
  })
  id: string;

  @Column({ type: 'bigint', name: 'endpoint_id' })
  @ForeignKey(() => WebhookEndpointEntity, { name: 'fk_webhook_delivery_endpoint', onDelete: 'CASCADE' })
  endpointId: string;

  // The event delivered; for a BatchList, the first of its events.
  @Column({ type: 'bigint', name: 'event_id' })
  @ForeignKey(() => EventOutboxEntity, { name: 'fk_webhook_delivery_event', onDelete: 'CASCADE' })
  eventId: string;

  @Column({ type: 'bigint', name: 'event_ids', array: true })
  eventIds: string[];

  @Column({ type: 'text', default: 'pending' })
  status: WebhookDeliveryStatus;

  // Replays so far: each has a job of its own.
  @Column({ type: 'integer', default: 0 })
  round: number;

  // Its job was added to the queue (false between the relay's commit and its enqueue, which the next relay run redoes).
  @Column({ type: 'boolean', default: false })
  queued: boolean;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'clock_timestamp()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
