import { DateTimeScalar } from './date-time.scalar';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { FlowDirection } from './flow-direction.enum';

@ArgsType()
export class IntervalsArgs {
  @Field(() => DateTimeScalar, { description: 'Start of the range, inclusive.' })
  from: Date;

  @Field(() => DateTimeScalar, { description: 'End of the range, exclusive.' })
  to: Date;

  @Field(() => Int, {
    nullable: true,
    description: 'Page forward: this many readings, 1 to 1000, from the start or after `after`. Give first or last.',
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts.' })
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Page backward: the last this many readings, 1 to 1000, at the end or before `before`. Give first or last.',
  })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor before which the page ends.' })
  before?: string | null;

  @Field(() => FlowDirection, { nullable: true, description: 'Which series: DELIVERED (default), RECEIVED or NET.' })
  direction?: FlowDirection | null;

  @Field(() => ID, { nullable: true, description: 'A specific meter reading (series), overriding `direction`.' })
  meterReading?: string | null;
}
