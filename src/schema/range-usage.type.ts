import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './date-time.scalar';
import { DecimalScalar } from './decimal.scalar';

@ObjectType({
  description:
    'Usage of one range [start, end) of a series, as its totals: exactly what `usage` answers for that range.',
})
export class RangeUsage {
  @Field(() => DateTimeScalar, { description: 'Start of the range.' })
  start: Date;

  @Field(() => DateTimeScalar, {
    description:
      'End of the range, exclusive (equal to start for an empty range, e.g. a compared local hour that did not exist then).',
  })
  end: Date;

  @Field(() => DecimalScalar, { description: "Sum of the readings starting in the range, in the series' unit, exact." })
  value: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Sum of their costs, exact; null when none had a cost.' })
  cost: string | null;

  @Field(() => Int, {
    description: 'Readings received for the range: compare with `expected` before trusting a figure.',
  })
  readings: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Readings a complete range has; null for INTERVAL buckets and irregular series.',
  })
  expected: number | null;
}
