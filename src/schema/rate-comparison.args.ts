import { DateTimeScalar } from './date-time.scalar';
import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class RateComparisonArgs {
  @Field(() => DateTimeScalar, { description: 'Start of the range, inclusive.' })
  from: Date;

  @Field(() => DateTimeScalar, { description: 'End of the range, exclusive; at most 400 days after from.' })
  to: Date;

  @Field(() => [ID], {
    defaultValue: [],
    description: "Tariffs to price the usage under, besides the usage point's own (see `tariffs`).",
  })
  tariffs: string[];
}
