import type { MigrationInterface, QueryRunner } from 'typeorm';

// ESPI makes a LineItem's dateTime optional (espi.xsd, minOccurs 0), and published bills leave it out (the EGD gas
// sample of the conformance corpus): a bill line without one is stored without one rather than failing the load.
export class LineItemDateTimeOptional1766100000000 implements MigrationInterface {
  name = 'LineItemDateTimeOptional1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE usage_summary_line_item ALTER COLUMN date_time DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM usage_summary_line_item WHERE date_time IS NULL`);
    await q.query(`ALTER TABLE usage_summary_line_item ALTER COLUMN date_time SET NOT NULL`);
  }
}
