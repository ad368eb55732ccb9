import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { pageCost } from '../schema/complexity';
import { connectionFrom, type ConnectionShape } from '../schema/connection';
import { ConnectionArgs } from '../schema/connection.args';
import { UsagePointConnection } from '../schema/connections';
import type { GraphQLContext } from '../schema/context';
import { Customer } from '../schema/customer.type';
import { CustomerAccount } from '../schema/customer-account.type';
import { UsagePoint } from '../schema/usage-point.type';

@Resolver(() => CustomerAccount)
export class CustomerAccountResolver {
  @FieldResolver(() => Customer, { nullable: true, description: 'The customer holding the account.' })
  async customer(@Root() account: CustomerAccount, @Ctx() { services }: GraphQLContext): Promise<Customer | null> {
    const record = await services.directory.customer(account.customerKey);
    return record ? Customer.from(record) : null;
  }

  @FieldResolver(() => UsagePointConnection, {
    complexity: pageCost,
    description: 'Usage points billed to the account.',
  })
  async usagePoints(
    @Root() account: CustomerAccount,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<UsagePoint>> {
    return connectionFrom(await services.directory.usagePointsOf(account.key, args), UsagePoint.from);
  }
}
