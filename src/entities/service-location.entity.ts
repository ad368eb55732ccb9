import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { SourcedRecord } from './sourced-record';

@Entity('service_location')
@Unique('uq_service_location_source', ['sourceSystem', 'externalId'])
export class ServiceLocationEntity extends SourcedRecord {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_service_location',
  })
  id: string;

  @Column({ type: 'text', name: 'street_address', nullable: true })
  streetAddress: string | null;

  @Column({ type: 'text', name: 'street_address2', nullable: true })
  streetAddress2: string | null;

  @Column({ type: 'text', nullable: true })
  city: string | null;

  @Column({ type: 'text', name: 'state_or_province', nullable: true })
  stateOrProvince: string | null;

  @Column({ type: 'text', name: 'postal_code', nullable: true })
  postalCode: string | null;

  @Column({ type: 'text', nullable: true })
  country: string | null;

  // numeric comes back as a string, which keeps the received digits exact.
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true })
  latitude: string | null;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true })
  longitude: string | null;

  // IANA name (America/Los_Angeles); the usage points at this location default to it.
  @Column({ type: 'text', name: 'time_zone', nullable: true })
  timeZone: string | null;
}
