import { Field, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { CustomerRecord } from '../services/customers/records';
import { Node } from './node.interface';

@ObjectType({ implements: Node, description: 'A household or business served by the utility.' })
export class Customer extends Node {
  /** Database id, for field resolvers; not exposed. */
  key: string;

  @Field(() => String, {
    nullable: true,
    description: 'Kind of customer as the utility classifies it (e.g. residential).',
  })
  kind: string | null;

  @Field(() => String, { nullable: true, description: 'Status as received from the utility (e.g. active).' })
  status: string | null;

  @Field(() => String, { nullable: true, description: 'Name. Personal data: null for OPS.' })
  name: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail address. Personal data: null for OPS.' })
  email: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number. Personal data: null for OPS.' })
  phone: string | null;

  static from(record: CustomerRecord): Customer {
    const { id, ...fields } = record;
    return Object.assign(new Customer(), fields, { id: toGlobalId('Customer', id), key: id });
  }
}
