import { ArgsType, Field } from 'type-graphql';
import { DateTimeScalar } from './date-time.scalar';

@ArgsType()
export class BillForecastArgs {
  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'The moment to forecast from: now when omitted; an earlier moment answers as the forecast would have then (from the readings now stored). Not in the future.',
  })
  asOf?: Date | null;
}
