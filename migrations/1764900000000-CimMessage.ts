import type { MigrationInterface, QueryRunner } from 'typeorm';

// CIM messages received on /cim that enqueue a load (src/entities/cim-message.entity.ts): the MessageID register
// that makes a resent message a no-op, and where its outcome is found.
export class CimMessage1764900000000 implements MigrationInterface {
  name = 'CimMessage1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cim_message (
        id bigint GENERATED ALWAYS AS IDENTITY,
        sender text NOT NULL,
        message_id text NOT NULL,
        verb text NOT NULL,
        checksum text NOT NULL,
        job_id text,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_cim_message PRIMARY KEY (id),
        CONSTRAINT uq_cim_message_sender_message UNIQUE (sender, message_id)
      )`);
    await q.query(`CREATE INDEX ix_cim_message_received_at ON cim_message (received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cim_message');
  }
}
