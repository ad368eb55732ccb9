import { DateTimeScalar } from './date-time.scalar';
import { Field, Int, ObjectType } from 'type-graphql';
import { DayCompleteness } from './day-completeness.type';
import { MeterReading } from './meter-reading.type';

@ObjectType({ description: 'Expected versus received readings of a series per local day, and how fresh the data is.' })
export class Completeness {
  @Field({ description: 'IANA time zone of the days.' })
  timeZone: string;

  @Field(() => [DayCompleteness], { description: 'One entry per local day of the range, in order.' })
  days: DayCompleteness[];

  @Field(() => Int, { nullable: true, description: 'Intervals expected over the range; null for irregular series.' })
  expected: number | null;

  @Field(() => Int, { description: 'Intervals received over the range.' })
  received: number;

  @Field(() => Int, { description: 'Estimated intervals over the range.' })
  estimated: number;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Data through: end of the latest reading of the series, at any date; null without readings.',
  })
  dataThrough: Date | null;

  @Field(() => MeterReading, { description: 'The series examined.' })
  meterReading: MeterReading;
}
