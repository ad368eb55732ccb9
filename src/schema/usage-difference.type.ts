import { Field, ObjectType } from 'type-graphql';
import { DecimalScalar } from './decimal.scalar';

@ObjectType({
  description: 'Current minus compared usage: exact differences, and percentages for display ("+12% vs last year").',
})
export class UsageDifference {
  @Field(() => DecimalScalar, { description: 'value minus compared value, exact.' })
  value: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'cost minus compared cost, exact; null unless both have a cost.',
  })
  cost: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'The value change in percent of the compared value (of its size, for negative net values), rounded half away from zero to 0.1; null when the compared value is 0.',
  })
  valuePercent: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'The cost change in percent of the compared cost, rounded to 0.1; null when it is 0 or either cost is null.',
  })
  costPercent: string | null;
}
