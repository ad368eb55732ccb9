import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from './decimal.scalar';

@ObjectType({
  description:
    'Projected usage and cost of a whole billing cycle: the cycle so far plus the remaining days at the same-weekday averages of the last 4 weeks, ' +
    'adjusted by last year\'s shape of the cycle (README, "Bill to date and forecast"). Estimates, rounded: usage to 0.001, cost to 0.01.',
})
export class BillProjection {
  @Field(() => DecimalScalar, { description: "Projected usage of the whole cycle, in the series' unit." })
  value: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'Projected cost of the whole cycle at the cost per unit of the cycle so far (interval costs only: no fixed charges or taxes); null without costs.',
  })
  cost: string | null;

  @Field(() => DecimalScalar, {
    description:
      'Low end of the usage range: the remaining days at the 10th percentile of how single days strayed from their weekday average.',
  })
  low: string;

  @Field(() => DecimalScalar, {
    description: 'High end of the usage range: the remaining days at the 90th percentile.',
  })
  high: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Cost at `low`.' })
  lowCost: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Cost at `high`.' })
  highCost: string | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "Last year's usage per day over the rest of the cycle, divided by that of its 4 weeks before (0.5 to 2), applied to the remaining days; null without full data a year earlier.",
  })
  lastYearFactor: number | null;

  @Field(() => Int, { description: 'Complete local days of the last 4 weeks the averages stand on (3 to 28).' })
  basisDays: number;
}
