import type { MigrationInterface, QueryRunner } from 'typeorm';

// The code of the tariff a usage point is billed on, as its feed names it (ESPI UsagePoint/ServiceDeliveryPoint/
// tariffProfile; the ODS's usage_point.tariff): what the tariff model prices its intervals with.
export class UsagePointTariff1765600000000 implements MigrationInterface {
  name = 'UsagePointTariff1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE usage_point ADD COLUMN tariff_profile text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE usage_point DROP COLUMN tariff_profile`);
  }
}
