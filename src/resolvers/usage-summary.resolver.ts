import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../schema/context';
import { LineItem } from '../schema/line-item.type';
import { UsageSummary } from '../schema/usage-summary.type';

@Resolver(() => UsageSummary)
export class UsageSummaryResolver {
  @FieldResolver(() => [LineItem], { description: 'Line items of the bill, in the order received.' })
  async lineItems(@Root() summary: UsageSummary, @Ctx() { services }: GraphQLContext): Promise<LineItem[]> {
    return (await services.directory.lineItemsOf(summary.key)).map(LineItem.from);
  }
}
