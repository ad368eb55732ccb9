import { Field, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { AccountRecord } from '../services/customers/records';
import { Node } from './node.interface';

@ObjectType({ implements: Node, description: 'A billing account of a customer; it groups usage points.' })
export class CustomerAccount extends Node {
  key: string;
  customerKey: string;

  @Field(() => String, { nullable: true, description: 'Account number printed on bills. Personal data: null for OPS.' })
  accountNumber: string | null;

  @Field(() => String, { nullable: true, description: 'Name of the account. Personal data: null for OPS.' })
  name: string | null;

  @Field(() => String, { nullable: true, description: 'Billing cycle as received from the utility.' })
  billingCycle: string | null;

  static from(record: AccountRecord): CustomerAccount {
    return Object.assign(new CustomerAccount(), {
      id: toGlobalId('CustomerAccount', record.id),
      key: record.id,
      customerKey: record.customerId,
      accountNumber: record.accountNumber,
      name: record.name,
      billingCycle: record.billingCycle,
    });
  }
}
