import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type WebhookFormat = 'JSON' | 'ESPI_BATCHLIST';

// Where events are pushed (src/services/webhooks): a URL under WEBHOOK_URLS, the event kinds it takes, optionally
// only those of some customers, and the secret its deliveries are signed with.
@Entity('webhook_endpoint')
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_webhook_endpoint',
  })
  id: string;

  @Column({ type: 'text' })
  url: string;

  // JSON: one signed JSON body per event; ESPI_BATCHLIST: a Green Button third party's notify URI, one BatchList per
  // relay run.
  @Column({ type: 'text', default: 'JSON' })
  format: WebhookFormat;

  @Column({ type: 'text', array: true })
  events: string[];

  // Null: events of every customer (and those of none, such as a failed import).
  @Column({ type: 'bigint', name: 'customer_ids', array: true, nullable: true })
  customerIds: string[] | null;

  @Column({ type: 'text' })
  secret: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'clock_timestamp()' })
  createdAt: Date;
}
