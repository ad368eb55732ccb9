import { Field, ObjectType } from 'type-graphql';
import { DecimalScalar } from './decimal.scalar';

@ObjectType({
  description: "A bucket's usage in one rate period of the usage point's tariff; the periods of a bucket add up to it.",
})
export class RatePeriodUsage {
  @Field({ description: 'Period name, e.g. ON_PEAK; OUTSIDE_TARIFF for readings before the tariff took effect.' })
  name: string;

  @Field(() => DecimalScalar, {
    description: "Sum of the bucket's readings starting in the period, in the series' unit, exact.",
  })
  value: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Sum of their stored costs, exact; null when none had a cost.',
  })
  cost: string | null;
}
