import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './date-time.scalar';
import { DecimalScalar } from './decimal.scalar';

@ObjectType({
  description:
    "One hour of a series as long-term statistics (Home Assistant's StatisticData: `start`, `state` = value, `sum` = sum), exact decimals in the series' unit.",
})
export class Statistic {
  @Field(() => DateTimeScalar, { description: 'Start of the hour (on the hour, UTC).' })
  start: Date;

  @Field(() => DateTimeScalar, { description: 'End of the hour.' })
  end: Date;

  @Field(() => DecimalScalar, { description: 'Sum of the readings that start in the hour.' })
  value: string;

  @Field(() => DecimalScalar, {
    description: 'Running sum of the series from its first reading through the end of this hour.',
  })
  sum: string;

  @Field(() => Int, {
    description:
      'Readings in the hour: fewer than the series delivers per hour in the latest hour while it is still arriving.',
  })
  readings: number;
}
