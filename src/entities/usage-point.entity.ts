import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CustomerAccountEntity } from './customer-account.entity';
import { ServiceLocationEntity } from './service-location.entity';
import { SourcedRecord } from './sourced-record';

@Entity('usage_point')
@Unique('uq_usage_point_source', ['sourceSystem', 'externalId'])
export class UsagePointEntity extends SourcedRecord {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_usage_point',
  })
  id: string;

  // Null while a usage feed has been loaded but no customer feed has claimed the usage point yet.
  @Column({ type: 'bigint', name: 'customer_account_id', nullable: true })
  @Index('ix_usage_point_customer_account')
  @ForeignKey(() => CustomerAccountEntity, { name: 'fk_usage_point_customer_account', onDelete: 'SET NULL' })
  customerAccountId: string | null;

  @Column({ type: 'bigint', name: 'service_location_id', nullable: true })
  @Index('ix_usage_point_service_location')
  @ForeignKey(() => ServiceLocationEntity, { name: 'fk_usage_point_service_location', onDelete: 'SET NULL' })
  serviceLocationId: string | null;

  // ESPI ServiceCategory kind: 0 electricity, 1 gas, 2 water, 3 time, 4 heat, ...
  @Column({ type: 'smallint', name: 'service_category_kind' })
  serviceCategoryKind: number;

  @Column({ type: 'smallint', nullable: true })
  status: number | null;

  // ESPI roleFlags (hexBinary) as received.
  @Column({ type: 'text', name: 'role_flags', nullable: true })
  roleFlags: string | null;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  // IANA zone that defines local days and months for rollups; resolved from the service location or from
  // LocalTimeParameters by the loader. Null means UTC.
  @Column({ type: 'text', name: 'time_zone', nullable: true })
  timeZone: string | null;

  // Bumped by the loader with every change to what usage() answers for this point: API caches key on it.
  @Column({ type: 'bigint', name: 'data_version', default: 0 })
  dataVersion: string;

  // Code of the tariff the point is on (ESPI ServiceDeliveryPoint tariffProfile): the tariff table's code, when loaded.
  @Column({ type: 'text', name: 'tariff_profile', nullable: true })
  tariffProfile: string | null;

  // The highest ODS change_seq of an extract loaded for this usage point, raised in the load's transaction: a file of
  // an older extract run is refused (migrations/1765300000000-ExtractRuns.ts).
  @Column({ type: 'bigint', name: 'extract_seq', nullable: true })
  extractSeq: string | null;

  // ESPI LocalTimeParameters exactly as received, so the zone resolution can be redone or audited.
  @Column({ type: 'integer', name: 'tz_offset', nullable: true })
  tzOffset: number | null;

  @Column({ type: 'integer', name: 'dst_offset', nullable: true })
  dstOffset: number | null;

  @Column({ type: 'text', name: 'dst_start_rule', nullable: true })
  dstStartRule: string | null;

  @Column({ type: 'text', name: 'dst_end_rule', nullable: true })
  dstEndRule: string | null;
}
