import { DateTimeScalar } from './date-time.scalar';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { FlowDirection } from './flow-direction.enum';

@ArgsType()
export class IntervalsArgs {
  @Field(() => DateTimeScalar, { description: 'Start of the range, inclusive.' })
  from: Date;

  @Field(() => DateTimeScalar, { description: 'End of the range, exclusive.' })
  to: Date;

  @Field(() => Int, { description: 'Page size, 1 to 1000.' })
  first: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts.' })
  after?: string | null;

  @Field(() => FlowDirection, { nullable: true, description: 'Which series: DELIVERED (default), RECEIVED or NET.' })
  direction?: FlowDirection | null;

  @Field(() => ID, { nullable: true, description: 'A specific meter reading (series), overriding `direction`.' })
  meterReading?: string | null;
}
