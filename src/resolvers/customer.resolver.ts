import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { idOf } from '../services/access/global-id';
import { pageCost } from '../schema/complexity';
import { connectionFrom, type ConnectionShape } from '../schema/connection';
import { ConnectionArgs } from '../schema/connection.args';
import { CustomerAccountConnection, CustomerConnection } from '../schema/connections';
import type { GraphQLContext } from '../schema/context';
import { Customer } from '../schema/customer.type';
import { CustomerAccount } from '../schema/customer-account.type';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, {
    nullable: true,
    description: 'A customer by global id; null when it does not exist or is not visible to the caller.',
  })
  async customer(
    @Arg('id', () => ID, { description: 'Global id of the customer.' }) id: string,
    @Ctx() { services }: GraphQLContext,
  ): Promise<Customer | null> {
    const key = idOf(id, 'Customer');
    const record = key && (await services.directory.customer(key));
    return record ? Customer.from(record) : null;
  }

  @Query(() => CustomerConnection, {
    complexity: pageCost,
    description: 'Customers visible to the caller (a CUSTOMER sees only itself), by id.',
  })
  async customers(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<Customer>> {
    return connectionFrom(await services.directory.customerPage(args), Customer.from);
  }

  @FieldResolver(() => CustomerAccountConnection, { complexity: pageCost, description: 'Accounts of the customer.' })
  async accounts(
    @Root() customer: Customer,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<CustomerAccount>> {
    return connectionFrom(await services.directory.accountsOf(customer.key, args), CustomerAccount.from);
  }
}
