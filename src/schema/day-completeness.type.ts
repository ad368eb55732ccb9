import { DateTimeScalar } from './date-time.scalar';
import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How complete the readings of one local day are.' })
export class DayCompleteness {
  @Field({ description: 'The local calendar date, YYYY-MM-DD.' })
  date: string;

  @Field(() => DateTimeScalar, { description: 'Start of the day (or of the range, on its first day).' })
  start: Date;

  @Field(() => DateTimeScalar, { description: 'End of the day (or of the range, on its last day).' })
  end: Date;

  @Field(() => Int, {
    nullable: true,
    description: 'Intervals the day has: 96 quarter-hours, 92 or 100 on DST change days; null for irregular series.',
  })
  expected: number | null;

  @Field(() => Int, { description: 'Intervals received.' })
  received: number;

  @Field(() => Int, { description: 'Received intervals marked as estimated.' })
  estimated: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Intervals missing (expected − received, never negative); null when nothing is expected.',
  })
  missing: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Start of the first reading of the day.' })
  firstReading: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'End of the last reading of the day.' })
  lastReadingEnd: Date | null;
}
