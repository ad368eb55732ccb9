import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { idOf } from '../services/access/global-id';
import type { GraphQLContext } from '../schema/context';
import { Customer } from '../schema/customer.type';
import { Viewer } from '../schema/viewer.type';

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, {
    nullable: true,
    description: 'The signed-in principal, or null without a valid bearer token.',
  })
  viewer(@Ctx() { principal }: GraphQLContext): Viewer | null {
    if (!principal) return null;
    return Object.assign(new Viewer(), principal);
  }

  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'For a CUSTOMER: its own customer. Null for other roles.',
  })
  async customer(@Root() viewer: Viewer, @Ctx() { services }: GraphQLContext): Promise<Customer | null> {
    const key = viewer.customerId && idOf(viewer.customerId, 'Customer');
    const record = key && (await services.directory.customer(key));
    return record ? Customer.from(record) : null;
  }
}
