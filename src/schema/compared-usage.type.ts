import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './date-time.scalar';
import { DecimalScalar } from './decimal.scalar';

@ObjectType({ description: 'Usage of the earlier range a bucket or series is compared with: what `usage` answers for [start, end).' })
export class ComparedUsage {
  @Field(() => DateTimeScalar, { description: 'Start of the earlier range.' })
  start: Date;

  @Field(() => DateTimeScalar, { description: 'End of the earlier range, exclusive (empty for a local hour that did not exist then).' })
  end: Date;

  @Field(() => DecimalScalar, { description: "Sum of the readings of the earlier range, in the series' unit, exact." })
  value: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Sum of their costs, exact; null when none had a cost.' })
  cost: string | null;

  @Field(() => Int, { description: 'Readings received for the earlier range: compare with `expected` before trusting a change.' })
  readings: number;

  @Field(() => Int, { nullable: true, description: 'Readings a complete earlier range has; null for INTERVAL buckets and irregular series.' })
  expected: number | null;
}
