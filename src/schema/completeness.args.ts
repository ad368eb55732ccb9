import { DateTimeScalar } from './date-time.scalar';
import { ArgsType, Field, ID } from 'type-graphql';
import { FlowDirection } from './flow-direction.enum';

@ArgsType()
export class CompletenessArgs {
  @Field(() => DateTimeScalar, { description: 'Start of the range, inclusive.' })
  from: Date;

  @Field(() => DateTimeScalar, { description: 'End of the range, exclusive (at most about 10 years).' })
  to: Date;

  @Field(() => String, {
    nullable: true,
    description: "IANA time zone of the days; the usage point's zone when omitted.",
  })
  timeZone?: string | null;

  @Field(() => FlowDirection, { nullable: true, description: 'Which series: DELIVERED (default), RECEIVED or NET.' })
  direction?: FlowDirection | null;

  @Field(() => ID, { nullable: true, description: 'A specific meter reading (series), overriding `direction`.' })
  meterReading?: string | null;
}
