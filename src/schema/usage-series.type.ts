import { Field, Int, ObjectType } from 'type-graphql';
import { RangeUsage } from './range-usage.type';
import { DecimalScalar } from './decimal.scalar';
import { MeterReading } from './meter-reading.type';
import { Unit } from './unit.enum';
import { UsageBucketNode } from './usage-bucket.type';
import { UsageDifference } from './usage-difference.type';

@ObjectType('UsageSeries', {
  description: 'Usage of one series over a range, in buckets. Values are exact sums of the readings.',
})
export class UsageSeriesNode {
  @Field(() => Unit, { description: 'Unit of every value of the series (kWh, therm, m³…).' })
  unit: Unit;

  @Field({ description: 'Symbol of the unit for display.' })
  unitSymbol: string;

  @Field({ description: 'IANA time zone the buckets are local to.' })
  timeZone: string;

  @Field(() => String, {
    nullable: true,
    description: 'ISO 4217 currency of the costs; null when the series has none.',
  })
  currency: string | null;

  @Field(() => DecimalScalar, { description: 'Sum over the whole range, in `unit`, exact.' })
  total: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Cost over the whole range, exact; null when no reading had a cost.',
  })
  cost: string | null;

  @Field(() => Int, { description: 'Readings received in the range.' })
  readings: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Readings a complete range has; null for INTERVAL resolution and irregular series.',
  })
  expected: number | null;

  @Field(() => Int, { description: 'Estimated readings in the range.' })
  estimated: number;

  @Field(() => [UsageBucketNode], {
    description: 'The buckets in time order, covering the range without gaps (empty periods have zero readings).',
  })
  buckets: UsageBucketNode[];

  @Field(() => RangeUsage, {
    nullable: true,
    description:
      'The whole earlier range, when asked with `compareTo` (not always the sum of the compared buckets: a leap day can be compared twice or not at all).',
  })
  compared: RangeUsage | null;

  @Field(() => UsageDifference, {
    nullable: true,
    description: '`total` and `cost` minus `compared`, when asked with `compareTo`.',
  })
  change: UsageDifference | null;

  @Field(() => MeterReading, { description: 'The series read.' })
  meterReading: MeterReading;
}
