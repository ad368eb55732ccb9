import { ArgsType, Field } from 'type-graphql';
import { DateTimeScalar } from './date-time.scalar';
import { FlowDirection } from './flow-direction.enum';
import { StatisticResolution } from './statistic-resolution.enum';

@ArgsType()
export class StatisticsArgs {
  @Field(() => DateTimeScalar, { description: 'First hour (floored to the hour); later when the series begins later.' })
  since: Date;

  @Field(() => StatisticResolution, {
    defaultValue: StatisticResolution.HOUR,
    description: 'Period of each statistic.',
  })
  resolution: StatisticResolution;

  @Field(() => FlowDirection, { nullable: true, description: 'Which series: DELIVERED (default), RECEIVED or NET.' })
  direction?: FlowDirection | null;
}
