import { Field, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from './decimal.scalar';

@ObjectType({
  description:
    "How a bill's amount reconciles with the interval costs of its period: amount = intervalCost + difference, where the difference is " +
    'what the bill adds to the metered energy (fixed charges, taxes, credits).',
})
export class BillReconciliation {
  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      "Exact sum of the stored costs of the usage point's delivered intervals starting in the billing period; null when none has a cost.",
  })
  intervalCost: string | null;

  @Field(() => DecimalScalar, { description: "Sum of the bill's line items." })
  lineItemsTotal: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Amount billed (billLastPeriod) minus intervalCost; null without an amount.',
  })
  difference: string | null;

  @Field(() => Int, { description: 'Delivered intervals received for the period.' })
  readings: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Intervals the period should have (from the series interval length); null when unknown.',
  })
  expected: number | null;
}
