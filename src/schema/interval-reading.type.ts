import { DateTimeScalar } from './date-time.scalar';
import { Field, Int, ObjectType } from 'type-graphql';
import { ESTIMATED_QUALITY_MASK } from '../entities';
import { toGlobalId } from '../services/access/global-id';
import type { ReadingTypeRecord } from '../services/customers/records';
import { COST_EXPONENT, formatScaled } from '../services/usage/decimal';
import { qualitiesOf, valueExponent } from '../services/usage/reading-codes';
import type { IntervalRecord } from '../services/usage/usage.service';
import { DecimalScalar } from './decimal.scalar';
import { Node } from './node.interface';
import { ReadingQuality } from './reading-quality.enum';

@ObjectType({ implements: Node, description: 'One metered interval, as received.' })
export class IntervalReading extends Node {
  @Field(() => DateTimeScalar, { description: 'Start of the interval.' })
  start: Date;

  @Field(() => DateTimeScalar, { description: 'End of the interval (start + duration).' })
  end: Date;

  @Field(() => Int, { description: 'Length in seconds.' })
  duration: number;

  @Field(() => DecimalScalar, { description: "Value in the reading type's unit (raw × 10^valueExponent), exact." })
  value: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: "Cost in the reading type's currency, exact; null when none was given.",
  })
  cost: string | null;

  @Field(() => [ReadingQuality], { description: 'Qualities given for the reading; empty when none was given.' })
  qualities: ReadingQuality[];

  @Field({ description: 'True when a quality marks the value as estimated rather than measured.' })
  estimated: boolean;

  static from(record: IntervalRecord, readingType: ReadingTypeRecord): IntervalReading {
    return Object.assign(new IntervalReading(), {
      id: toGlobalId(
        'IntervalReading',
        record.usagePointId,
        record.meterReadingId,
        Math.floor(record.start.getTime() / 1000),
      ),
      start: record.start,
      end: new Date(record.start.getTime() + record.duration * 1000),
      duration: record.duration,
      value: formatScaled(BigInt(record.value), valueExponent(readingType.uom, readingType.powerOfTenMultiplier)),
      cost: record.cost === null ? null : formatScaled(BigInt(record.cost), COST_EXPONENT),
      qualities: qualitiesOf(record.quality),
      estimated: (record.quality & ESTIMATED_QUALITY_MASK) !== 0,
    });
  }
}
