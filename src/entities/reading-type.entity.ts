import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

// The codes of an ESPI ReadingType, each null when the feed left it out. A reading type is identified by all of
// them together: the migration declares the signature UNIQUE NULLS NOT DISTINCT, which TypeORM cannot express (it
// compares unique constraints by name and columns only, so the schema diff stays clean). Upsert with
// `ON CONFLICT ON CONSTRAINT uq_reading_type_signature`.
@Entity('reading_type')
@Unique('uq_reading_type_signature', [
  'accumulationBehaviour',
  'aggregate',
  'argumentNumerator',
  'argumentDenominator',
  'commodity',
  'consumptionTier',
  'cpp',
  'currency',
  'dataQualifier',
  'defaultQuality',
  'flowDirection',
  'interharmonicNumerator',
  'interharmonicDenominator',
  'intervalLength',
  'kind',
  'measuringPeriod',
  'phase',
  'powerOfTenMultiplier',
  'timeAttribute',
  'tou',
  'uom',
])
export class ReadingTypeEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_reading_type',
  })
  id: string;

  @Column({ type: 'smallint', name: 'accumulation_behaviour', nullable: true })
  accumulationBehaviour: number | null;

  @Column({ type: 'smallint', nullable: true })
  aggregate: number | null;

  // RationalNumber and ReadingInterharmonic parts are UInt32/Integer in ESPI, beyond smallint and int.
  @Column({ type: 'bigint', name: 'argument_numerator', nullable: true })
  argumentNumerator: string | null;

  @Column({ type: 'bigint', name: 'argument_denominator', nullable: true })
  argumentDenominator: string | null;

  @Column({ type: 'smallint', nullable: true })
  commodity: number | null;

  @Column({ type: 'smallint', name: 'consumption_tier', nullable: true })
  consumptionTier: number | null;

  @Column({ type: 'smallint', nullable: true })
  cpp: number | null;

  // ISO 4217 numeric code (840 = USD); costs are in 1/100000 of it.
  @Column({ type: 'smallint', nullable: true })
  currency: number | null;

  @Column({ type: 'smallint', name: 'data_qualifier', nullable: true })
  dataQualifier: number | null;

  @Column({ type: 'smallint', name: 'default_quality', nullable: true })
  defaultQuality: number | null;

  // 1 delivered (forward), 19 received (reverse), 4 net, ...
  @Column({ type: 'smallint', name: 'flow_direction', nullable: true })
  flowDirection: number | null;

  @Column({ type: 'bigint', name: 'interharmonic_numerator', nullable: true })
  interharmonicNumerator: string | null;

  @Column({ type: 'bigint', name: 'interharmonic_denominator', nullable: true })
  interharmonicDenominator: string | null;

  // Seconds.
  @Column({ type: 'integer', name: 'interval_length', nullable: true })
  intervalLength: number | null;

  @Column({ type: 'smallint', nullable: true })
  kind: number | null;

  @Column({ type: 'smallint', name: 'measuring_period', nullable: true })
  measuringPeriod: number | null;

  @Column({ type: 'smallint', nullable: true })
  phase: number | null;

  // A reading's value in the unit is raw × 10^multiplier; a missing multiplier means 0.
  @Column({ type: 'smallint', name: 'power_of_ten_multiplier', nullable: true })
  powerOfTenMultiplier: number | null;

  @Column({ type: 'smallint', name: 'time_attribute', nullable: true })
  timeAttribute: number | null;

  @Column({ type: 'smallint', nullable: true })
  tou: number | null;

  // ESPI UnitSymbolKind: 72 Wh, 73 VArh, 169 therm, 42 m³, ...
  @Column({ type: 'smallint', nullable: true })
  uom: number | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
