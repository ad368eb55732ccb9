import { DateTimeScalar } from './date-time.scalar';
import { Field, ObjectType } from 'type-graphql';
import { formatScaled } from '../services/usage/decimal';
import { unitOf, valueExponent } from '../services/usage/reading-codes';
import { DecimalScalar } from './decimal.scalar';
import { Unit } from './unit.enum';

@ObjectType({ description: 'A quantity with its unit, e.g. the consumption of a billing period.' })
export class Measurement {
  @Field(() => DecimalScalar, { description: 'Value in `unit`, exact.' })
  value: string;

  @Field(() => Unit, { description: 'Unit of the value.' })
  unit: Unit;

  @Field({ description: 'Symbol of the unit for display.' })
  unitSymbol: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the quantity was measured, when given.' })
  timeStamp: Date | null;

  /** Null when the raw value is absent. */
  static of(
    raw: string | null,
    multiplier: number | null,
    uom: number | null,
    timeStamp: Date | null = null,
  ): Measurement | null {
    if (raw === null) return null;
    const unit = unitOf(uom);
    return Object.assign(new Measurement(), {
      value: formatScaled(BigInt(raw), valueExponent(uom, multiplier)),
      unit: unit.unit,
      unitSymbol: unit.symbol,
      timeStamp,
    });
  }
}
