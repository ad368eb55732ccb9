import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

// A tariff by its code (URDB `name`, what ESPI tariffProfile and the ODS name); its rates are in tariff_version.
@Entity('tariff')
@Unique('uq_tariff_code', ['code'])
export class TariffEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_tariff',
  })
  id: string;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  utility: string | null;

  // 'kWh' or 'therm': the unit of its energy rates.
  @Column({ type: 'text' })
  unit: string;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
