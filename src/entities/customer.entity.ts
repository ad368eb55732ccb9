import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { SourcedRecord } from './sourced-record';

@Entity('customer')
@Unique('uq_customer_source', ['sourceSystem', 'externalId'])
export class CustomerEntity extends SourcedRecord {
  // bigint comes back from pg as a string; GraphQL wraps it in an opaque global id anyway.
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_customer',
  })
  id: string;

  // ESPI CustomerKind as received: residential, commercial, industrial, ...
  @Column({ type: 'text', nullable: true })
  kind: string | null;

  @Column({ type: 'text', nullable: true })
  status: string | null;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;
}
