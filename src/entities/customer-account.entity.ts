import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CustomerEntity } from './customer.entity';
import { SourcedRecord } from './sourced-record';

@Entity('customer_account')
@Unique('uq_customer_account_source', ['sourceSystem', 'externalId'])
export class CustomerAccountEntity extends SourcedRecord {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_customer_account',
  })
  id: string;

  @Column({ type: 'bigint', name: 'customer_id' })
  @Index('ix_customer_account_customer')
  @ForeignKey(() => CustomerEntity, { name: 'fk_customer_account_customer', onDelete: 'CASCADE' })
  customerId: string;

  @Column({ type: 'text', name: 'account_number', nullable: true })
  accountNumber: string | null;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', name: 'billing_cycle', nullable: true })
  billingCycle: string | null;
}
