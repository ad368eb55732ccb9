import { Field, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { ServiceLocationRecord } from '../services/customers/records';
import { Node } from './node.interface';

@ObjectType({
  implements: Node,
  description: 'The premises where a usage point is installed. Address fields are personal data: null for OPS.',
})
export class ServiceLocation extends Node {
  @Field(() => String, { nullable: true, description: 'Street address, first line.' })
  streetAddress: string | null;

  @Field(() => String, { nullable: true, description: 'Street address, second line.' })
  streetAddress2: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  city: string | null;

  @Field(() => String, { nullable: true, description: 'State or province.' })
  stateOrProvince: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code.' })
  postalCode: string | null;

  @Field(() => String, { nullable: true, description: 'Country.' })
  country: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone of the premises, when known.' })
  timeZone: string | null;

  static from(record: ServiceLocationRecord): ServiceLocation {
    const { id, ...fields } = record;
    return Object.assign(new ServiceLocation(), fields, { id: toGlobalId('ServiceLocation', id) });
  }
}
