import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { BillReconciliation } from '../schema/bill-reconciliation.type';
import type { GraphQLContext } from '../schema/context';
import { LineItem } from '../schema/line-item.type';
import { UsageSummary } from '../schema/usage-summary.type';

@Resolver(() => UsageSummary)
export class UsageSummaryResolver {
  @FieldResolver(() => [LineItem], { description: 'Line items of the bill, in the order received.' })
  async lineItems(@Root() summary: UsageSummary, @Ctx() { services }: GraphQLContext): Promise<LineItem[]> {
    return (await services.directory.lineItemsOf(summary.key)).map(LineItem.from);
  }

  // Priced as the usage() it runs: a month of days.
  @FieldResolver(() => BillReconciliation, {
    complexity: 10 + 31,
    description: "How the bill's amount reconciles with the interval costs of its billing period.",
  })
  async reconciliation(
    @Root() summary: UsageSummary,
    @Ctx() { services }: GraphQLContext,
  ): Promise<BillReconciliation> {
    return Object.assign(new BillReconciliation(), await services.bills.reconciliation(summary.record));
  }
}
