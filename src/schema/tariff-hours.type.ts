import { Field, Int, ObjectType } from 'type-graphql';
import { TariffDayType } from './tariff-day-type.enum';

@ObjectType({
  description: 'When a rate period applies, in local time: hours [from, to) of the given days in the given months.',
})
export class TariffHours {
  @Field(() => [Int], { description: 'Local months, 1 (January) to 12.' })
  months: number[];

  @Field(() => TariffDayType)
  dayType: TariffDayType;

  @Field(() => Int, { description: 'First local hour, 0–23.' })
  from: number;

  @Field(() => Int, { description: 'Local hour it ends at, exclusive, 1–24.' })
  to: number;
}
