import type { MigrationInterface, QueryRunner } from 'typeorm';

// What changed, recorded in the transaction of the change: usage_change is the per-usage-point change feed (one row
// per committed load that wrote readings of the point), event_outbox the events to push (webhooks, notifications),
// written with the data so that a crash between commit and delivery neither loses nor invents one.
export class ChangeFeed1765700000000 implements MigrationInterface {
  name = 'ChangeFeed1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE usage_change (
        id bigint GENERATED ALWAYS AS IDENTITY,
        usage_point_id bigint NOT NULL,
        batch_id bigint,
        committed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        first_day date NOT NULL,
        last_day date NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        inserted integer NOT NULL,
        revised integer NOT NULL,
        CONSTRAINT pk_usage_change PRIMARY KEY (id),
        CONSTRAINT fk_usage_change_usage_point FOREIGN KEY (usage_point_id) REFERENCES usage_point (id) ON DELETE CASCADE,
        CONSTRAINT fk_usage_change_batch FOREIGN KEY (batch_id) REFERENCES import_batch (id) ON DELETE SET NULL
      )`);
    await q.query(`CREATE INDEX ix_usage_change_usage_point ON usage_change (usage_point_id, committed_at, id)`);
    await q.query(`
      CREATE TABLE event_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY,
        kind text NOT NULL,
        usage_point_id bigint,
        customer_id bigint,
        batch_id bigint,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        dispatched_at timestamptz,
        CONSTRAINT pk_event_outbox PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX ix_event_outbox_pending ON event_outbox (id) WHERE dispatched_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_outbox`);
    await q.query(`DROP TABLE usage_change`);
  }
}
