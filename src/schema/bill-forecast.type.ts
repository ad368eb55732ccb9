import { Field, Float, ObjectType } from 'type-graphql';
import { DecimalScalar } from './decimal.scalar';
import { BillProjection } from './bill-projection.type';
import { CycleBasis } from './cycle-basis.enum';
import { DateTimeScalar } from './date-time.scalar';
import { ForecastStatus } from './forecast-status.enum';
import { RangeUsage } from './range-usage.type';
import { Unit } from './unit.enum';

@ObjectType({
  description:
    'The open billing cycle of a usage point (its delivered series): usage and cost so far, and a projection for the whole cycle.',
})
export class BillForecast {
  @Field(() => DateTimeScalar, { description: 'The moment the forecast is made for.' })
  asOf: Date;

  @Field(() => DateTimeScalar, { description: 'Start of the open cycle.' })
  periodStart: Date;

  @Field(() => DateTimeScalar, { description: 'End of the open cycle, exclusive: one local month after its start.' })
  periodEnd: Date;

  @Field(() => CycleBasis, { description: 'Whether the cycle follows the latest bill or is the calendar month.' })
  basis: CycleBasis;

  @Field({ description: 'IANA time zone of the local days and months.' })
  timeZone: string;

  @Field(() => Unit, { description: 'Unit of every usage figure.' })
  unit: Unit;

  @Field({ description: 'Symbol of the unit for display.' })
  unitSymbol: string;

  @Field(() => String, {
    nullable: true,
    description: 'ISO 4217 currency of the costs; null when the series has none.',
  })
  currency: string | null;

  @Field(() => RangeUsage, {
    description:
      'Usage from periodStart to asOf or the end of the latest reading, whichever is earlier (`end`): exactly `usage` over that range. Readings not yet delivered are projected, not counted as missing.',
  })
  soFar: RangeUsage;

  @Field(() => Float, {
    nullable: true,
    description: 'Share (0 to 1) of the expected readings of `soFar` that are in; null when nothing is expected yet.',
  })
  coverage: number | null;

  @Field(() => BillProjection, {
    nullable: true,
    description: 'The projection for the whole cycle; null when `status` is not PROJECTED.',
  })
  projected: BillProjection | null;

  @Field(() => RangeUsage, {
    nullable: true,
    description:
      'The same cycle a year earlier (same local dates, as `usage(compareTo: PREVIOUS_YEAR)` maps them); null without readings then. Check `readings` against `expected`.',
  })
  lastYear: RangeUsage | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      "Fixed charges of the cycle under the usage point's tariff (its monthly charge, or daily charge × days): the projected bill is " +
      '`projected.cost` + this, before taxes. Null without a tariff.',
  })
  fixedCharges: string | null;

  @Field(() => ForecastStatus, { description: 'PROJECTED, or why there is no projection.' })
  status: ForecastStatus;

  @Field(() => String, { nullable: true, description: 'Why there is no projection, in words; null when projected.' })
  reason: string | null;
}
