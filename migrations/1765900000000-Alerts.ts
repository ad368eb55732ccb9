import type { MigrationInterface, QueryRunner } from 'typeorm';

// Customer alerts: the rules customers set on their usage points, the alerts those rules raised (one per rule and
// period: a reload or a correction that keeps a period above its threshold raises nothing new), and how far the
// evaluator has read the change feed (usage_change), advanced in the transaction of the alerts it raised.
export class Alerts1765900000000 implements MigrationInterface {
  name = 'Alerts1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_rule (
        id bigint GENERATED ALWAYS AS IDENTITY,
        usage_point_id bigint NOT NULL,
        kind text NOT NULL,
        threshold numeric,
        days integer,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_alert_rule PRIMARY KEY (id),
        CONSTRAINT fk_alert_rule_usage_point FOREIGN KEY (usage_point_id) REFERENCES usage_point (id) ON DELETE CASCADE,
        CONSTRAINT ck_alert_rule_kind CHECK (kind IN ('DAILY_USAGE_ABOVE', 'DAILY_COST_ABOVE', 'WEEKLY_USAGE_ABOVE', 'WEEKLY_COST_ABOVE', 'BILL_PROJECTED_ABOVE', 'DATA_MISSING'))
      )`);
    await q.query(`CREATE INDEX ix_alert_rule_usage_point ON alert_rule (usage_point_id, kind)`);
    await q.query(`
      CREATE TABLE alert (
        id bigint GENERATED ALWAYS AS IDENTITY,
        rule_id bigint,
        usage_point_id bigint NOT NULL,
        kind text NOT NULL,
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        value numeric NOT NULL,
        threshold numeric NOT NULL,
        raised_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT pk_alert PRIMARY KEY (id),
        CONSTRAINT uq_alert_rule_period UNIQUE (rule_id, period_start),
        CONSTRAINT fk_alert_rule FOREIGN KEY (rule_id) REFERENCES alert_rule (id) ON DELETE SET NULL,
        CONSTRAINT fk_alert_usage_point FOREIGN KEY (usage_point_id) REFERENCES usage_point (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_alert_usage_point ON alert (usage_point_id, id)`);
    await q.query(`
      CREATE TABLE alert_watermark (
        name text NOT NULL,
        change_id bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_alert_watermark PRIMARY KEY (name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_watermark`);
    await q.query(`DROP TABLE alert`);
    await q.query(`DROP TABLE alert_rule`);
  }
}
