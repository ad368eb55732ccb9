import { Field, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from './decimal.scalar';
import { Tariff } from './tariff.type';

@ObjectType({ description: "The usage point's actual delivered usage over a range, priced under one tariff." })
export class TariffCost {
  @Field(() => Tariff)
  tariff: Tariff;

  @Field(() => DecimalScalar, { description: 'energyCost + fixedCost, in the tariff currency, exact.' })
  cost: string;

  @Field(() => DecimalScalar, {
    description: "Each reading at its local hour's period rate and tier block, rounded per reading to 0.00001.",
  })
  energyCost: string;

  @Field(() => DecimalScalar, {
    description: 'Fixed charges: whole local months in full, partial months pro rata by day.',
  })
  fixedCost: string;

  @Field({ description: 'True for the lowest cost among the tariffs compared (every tariff at that cost).' })
  cheapest: boolean;

  @Field({ description: "True for the usage point's own tariff." })
  current: boolean;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Sum of the stored costs of the same readings; equals energyCost for the tariff that priced them.',
  })
  storedCost: string | null;

  @Field(() => Int, { description: 'Readings priced plus unpriced: the delivered readings of the range.' })
  readings: number;

  @Field(() => Int, {
    description: 'Readings outside the validity of every version of the tariff, left out of its cost.',
  })
  unpricedReadings: number;
}
