import { Field, ObjectType } from 'type-graphql';
import { DecimalScalar } from './decimal.scalar';
import { TariffHours } from './tariff-hours.type';
import { TariffRate } from './tariff-rate.type';

@ObjectType('TariffPeriod', {
  description: 'A named rate period of a tariff (e.g. ON_PEAK), with its rates and hours.',
})
export class TariffPeriodNode {
  @Field({
    description: 'Name as the tariff labels it (URDB energytoulabels), e.g. ON_PEAK; numbered when unlabelled.',
  })
  name: string;

  @Field(() => [TariffRate], { description: 'Rate blocks in order; one when the period is not tiered.' })
  rates: TariffRate[];

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Credit per unit exported in this period, when the tariff has one.',
  })
  exportCredit: string | null;

  @Field(() => [TariffHours], { description: 'When the period applies.' })
  hours: TariffHours[];
}
