import { Field, ObjectType } from 'type-graphql';
import type { RevisionRecord } from '../services/events/change-feed';
import { COST_EXPONENT, formatScaled } from '../services/usage/decimal';
import { flowDirectionOf, qualitiesOf, valueExponent } from '../services/usage/reading-codes';
import { DateTimeScalar } from './date-time.scalar';
import { DecimalScalar } from './decimal.scalar';
import { FlowDirection } from './flow-direction.enum';
import { ReadingQuality } from './reading-quality.enum';

const costOf = (raw: string | null) => (raw === null ? null : formatScaled(BigInt(raw), COST_EXPONENT));

@ObjectType({ description: 'A stored reading a load changed: its values before and after.' })
export class ReadingRevision {
  meterReadingKey: string;

  @Field(() => DateTimeScalar, { description: 'Start of the reading.' })
  start: Date;

  @Field(() => DateTimeScalar, { description: 'End of the reading (start + its duration as stored now).' })
  end: Date;

  @Field(() => FlowDirection, {
    nullable: true,
    description: "Direction of the reading's series; null for a direction code without a name.",
  })
  direction: FlowDirection | null;

  @Field(() => DecimalScalar, { description: "Value before, in the series' unit, exact." })
  oldValue: string;

  @Field(() => DecimalScalar, { description: "Value after, in the series' unit, exact." })
  newValue: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: "Cost before, in the series' currency, exact; null when none was given.",
  })
  oldCost: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Cost after; null when none was given.' })
  newCost: string | null;

  @Field(() => [ReadingQuality], { description: 'Qualities before (empty when none was given).' })
  oldQualities: ReadingQuality[];

  @Field(() => [ReadingQuality], { description: 'Qualities after.' })
  newQualities: ReadingQuality[];

  @Field({ description: '"correction" (a file not loaded before) or "reimport" (a file loaded again).' })
  reason: string;

  static from(record: RevisionRecord): ReadingRevision {
    const exponent = valueExponent(record.uom, record.powerOfTenMultiplier);
    return Object.assign(new ReadingRevision(), {
      meterReadingKey: record.meterReadingId,
      start: record.start,
      end: new Date(record.start.getTime() + record.duration * 1000),
      direction: flowDirectionOf(record.flowDirection),
      oldValue: formatScaled(BigInt(record.oldValue), exponent),
      newValue: formatScaled(BigInt(record.newValue), exponent),
      oldCost: costOf(record.oldCost),
      newCost: costOf(record.newCost),
      oldQualities: qualitiesOf(record.oldQuality),
      newQualities: qualitiesOf(record.newQuality),
      reason: record.reason,
    });
  }
}
