import { Field, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { UsagePointRecord } from '../services/customers/records';
import { serviceCategoryOf } from '../services/usage/reading-codes';
import { Node } from './node.interface';
import { ServiceCategory } from './service-category.enum';

@ObjectType({
  implements: Node,
  description: 'A point where a service (electricity, gas, water…) is metered: the owner of usage series.',
})
export class UsagePoint extends Node {
  key: string;
  accountKey: string | null;
  locationKey: string | null;
  tariffCode: string | null;

  @Field(() => String, { nullable: true, description: 'Name as received. Can hold an address: null for OPS.' })
  name: string | null;

  @Field(() => String, { nullable: true, description: 'Description as received. Can hold an address: null for OPS.' })
  description: string | null;

  @Field(() => ServiceCategory, { description: 'Kind of service metered.' })
  serviceCategory: ServiceCategory;

  @Field(() => Int, { nullable: true, description: 'ESPI status code as received (1 = on).' })
  status: number | null;

  @Field({ description: 'IANA time zone of local days and months for this usage point ("UTC" when unknown).' })
  timeZone: string;

  static from(record: UsagePointRecord): UsagePoint {
    return Object.assign(new UsagePoint(), {
      id: toGlobalId('UsagePoint', record.id),
      key: record.id,
      accountKey: record.customerAccountId,
      locationKey: record.serviceLocationId,
      tariffCode: record.tariffProfile,
      name: record.name,
      description: record.description,
      serviceCategory: serviceCategoryOf(record.serviceCategoryKind),
      status: record.status,
      timeZone: record.timeZone ?? 'UTC',
    });
  }
}
