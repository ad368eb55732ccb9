import type { MigrationInterface, QueryRunner } from 'typeorm';

// Webhook endpoints (JSON events, or ESPI BatchList notifications to a Green Button third party), one delivery per
// event and endpoint (an ESPI delivery lists the events of one relay run), and every attempt at posting it: the
// delivery log ops read and replay. A statement-level trigger wakes the relay whenever events are recorded, whoever
// records them (a load, an import that failed, an alert).
export class Webhooks1765800000000 implements MigrationInterface {
  name = 'Webhooks1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoint (
        id bigint GENERATED ALWAYS AS IDENTITY,
        url text NOT NULL,
        format text NOT NULL DEFAULT 'JSON',
        events text[] NOT NULL,
        customer_ids bigint[],
        secret text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT pk_webhook_endpoint PRIMARY KEY (id)
      )`);
    await q.query(`
      CREATE TABLE webhook_delivery (
        id bigint GENERATED ALWAYS AS IDENTITY,
        endpoint_id bigint NOT NULL,
        event_id bigint NOT NULL,
        event_ids bigint[] NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        round integer NOT NULL DEFAULT 0,
        queued boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz,
        CONSTRAINT pk_webhook_delivery PRIMARY KEY (id),
        CONSTRAINT uq_webhook_delivery_event UNIQUE (endpoint_id, event_id),
        CONSTRAINT fk_webhook_delivery_endpoint FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
        CONSTRAINT fk_webhook_delivery_event FOREIGN KEY (event_id) REFERENCES event_outbox (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_webhook_delivery_unqueued ON webhook_delivery (id) WHERE NOT queued`);
    await q.query(`CREATE INDEX ix_webhook_delivery_status ON webhook_delivery (status, id)`);
    await q.query(`
      CREATE TABLE webhook_attempt (
        id bigint GENERATED ALWAYS AS IDENTITY,
        delivery_id bigint NOT NULL,
        attempted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        duration_ms integer NOT NULL,
        status_code integer,
        error text,
        CONSTRAINT pk_webhook_attempt PRIMARY KEY (id),
        CONSTRAINT fk_webhook_attempt_delivery FOREIGN KEY (delivery_id) REFERENCES webhook_delivery (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_webhook_attempt_delivery ON webhook_attempt (delivery_id, id)`);
    await q.query(`
      CREATE FUNCTION event_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('usage_portal_event', '');
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER event_outbox_notify AFTER INSERT ON event_outbox FOR EACH STATEMENT EXECUTE FUNCTION event_outbox_notify()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER event_outbox_notify ON event_outbox`);
    await q.query(`DROP FUNCTION event_outbox_notify()`);
    await q.query(`DROP TABLE webhook_attempt`);
    await q.query(`DROP TABLE webhook_delivery`);
    await q.query(`DROP TABLE webhook_endpoint`);
  }
}
