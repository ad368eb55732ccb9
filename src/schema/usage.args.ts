import { DateTimeScalar } from './date-time.scalar';
import { ArgsType, Field, ID } from 'type-graphql';
import { ComparePeriod } from './compare-period.enum';
import { FlowDirection } from './flow-direction.enum';
import { Resolution } from './resolution.enum';

@ArgsType()
export class UsageArgs {
  @Field(() => DateTimeScalar, { description: 'Start of the range, inclusive (readings starting at or after it).' })
  from: Date;

  @Field(() => DateTimeScalar, { description: 'End of the range, exclusive.' })
  to: Date;

  @Field(() => Resolution, {
    description: 'Bucket size. Ranges are limited per resolution (e.g. 31 days of INTERVAL, 10 years of DAY).',
  })
  resolution: Resolution;

  @Field(() => String, {
    nullable: true,
    description: "IANA time zone for local periods; the usage point's zone when omitted.",
  })
  timeZone?: string | null;

  @Field(() => FlowDirection, { nullable: true, description: 'Which series: DELIVERED (default), RECEIVED or NET.' })
  direction?: FlowDirection | null;

  @Field(() => ID, {
    nullable: true,
    description: 'A specific meter reading (series) of the usage point, overriding `direction`.',
  })
  meterReading?: string | null;

  @Field({
    defaultValue: false,
    description: "Split each bucket by the rate periods of the usage point's tariff (`UsageBucket.ratePeriods`).",
  })
  byRatePeriod: boolean;

  @Field(() => ComparePeriod, {
    nullable: true,
    description:
      'Also answer, beside each bucket and the whole series, the matching earlier usage (`compared`) and the difference (`change`).',
  })
  compareTo?: ComparePeriod | null;
}
