import { DateTimeScalar } from './date-time.scalar';
import { Field, Int, ObjectType } from 'type-graphql';
import { RangeUsage } from './range-usage.type';
import { DecimalScalar } from './decimal.scalar';
import { UsageDifference } from './usage-difference.type';
import { RatePeriodUsage } from './rate-period-usage.type';

@ObjectType('UsageBucket', {
  description: 'Usage of one period of a series: a local hour, day, week, month or year, or one reading.',
})
export class UsageBucketNode {
  @Field(() => DateTimeScalar, { description: 'Start of the period (clipped to the query range).' })
  start: Date;

  @Field(() => DateTimeScalar, { description: 'End of the period, exclusive (clipped to the query range).' })
  end: Date;

  @Field(() => DecimalScalar, {
    description: "Sum of the readings starting in the period, in the series' unit, exact.",
  })
  value: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Sum of their costs, exact; null when none had a cost.' })
  cost: string | null;

  @Field(() => Int, { description: 'Readings received for the period.' })
  readings: number;

  @Field(() => Int, {
    nullable: true,
    description:
      'Readings a complete period has: its length over the interval length (92 quarter-hours on a 23-hour day); null for irregular series.',
  })
  expected: number | null;

  @Field(() => Int, { description: 'Received readings whose quality marks them as estimated.' })
  estimated: number;

  @Field(() => [RatePeriodUsage], {
    nullable: true,
    description:
      "The bucket split by the rate periods of the usage point's tariff, each reading by the local hour it starts in: asked for with " +
      '`usage(byRatePeriod: true)`; null otherwise or when the usage point has no tariff.',
  })
  ratePeriods?: RatePeriodUsage[] | null;

  @Field(() => RangeUsage, {
    nullable: true,
    description: 'The matching earlier bucket, when `usage` was asked with `compareTo`; null otherwise.',
  })
  compared?: RangeUsage;

  @Field(() => UsageDifference, {
    nullable: true,
    description: 'This bucket minus `compared`, when `usage` was asked with `compareTo`; null otherwise.',
  })
  change?: UsageDifference;
}
