import { Field, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { ReadingTypeRecord } from '../services/customers/records';
import {
  accumulationOf,
  commodityOf,
  currencyOf,
  flowDirectionOf,
  unitOf,
  valueExponent,
} from '../services/usage/reading-codes';
import { Accumulation } from './accumulation.enum';
import { Commodity } from './commodity.enum';
import { FlowDirection } from './flow-direction.enum';
import { Node } from './node.interface';
import { Unit } from './unit.enum';

@ObjectType({
  implements: Node,
  description: 'What the readings of a meter reading measure, and how to read their raw values.',
})
export class ReadingType extends Node {
  @Field(() => Unit, { description: 'Unit of the values the API returns for this reading type.' })
  unit: Unit;

  @Field({ description: 'Symbol of that unit for display, e.g. "kWh", "therm", "m³".' })
  unitSymbol: string;

  @Field(() => Int, { description: 'ESPI power-of-ten multiplier of the raw values (0 when the feed gave none).' })
  powerOfTenMultiplier: number;

  @Field(() => Int, {
    description:
      'Power of ten turning a raw ESPI value into `unit`: the multiplier plus the unit scaling (Wh → kWh is −3).',
  })
  valueExponent: number;

  @Field(() => FlowDirection, {
    nullable: true,
    description: 'Flow direction; null for ESPI directions other than forward, reverse and net.',
  })
  flowDirection: FlowDirection | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Interval length in seconds (900 for quarter-hours); null for irregular series.',
  })
  intervalLength: number | null;

  @Field(() => Commodity, { nullable: true, description: 'Commodity measured; null when the feed gave none.' })
  commodity: Commodity | null;

  @Field(() => Accumulation, { nullable: true, description: 'How readings accumulate; null when the feed gave none.' })
  accumulation: Accumulation | null;

  @Field(() => String, {
    nullable: true,
    description: 'ISO 4217 currency of costs (alphabetic, or numeric when unknown here).',
  })
  currency: string | null;

  static from(record: ReadingTypeRecord): ReadingType {
    const unit = unitOf(record.uom);
    return Object.assign(new ReadingType(), {
      id: toGlobalId('ReadingType', record.id),
      unit: unit.unit,
      unitSymbol: unit.symbol,
      powerOfTenMultiplier: record.powerOfTenMultiplier ?? 0,
      valueExponent: valueExponent(record.uom, record.powerOfTenMultiplier),
      flowDirection: flowDirectionOf(record.flowDirection),
      intervalLength: record.intervalLength,
      commodity: commodityOf(record.commodity),
      accumulation: accumulationOf(record.accumulationBehaviour),
      currency: currencyOf(record.currency),
    });
  }
}
