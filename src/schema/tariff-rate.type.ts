import { Field, ObjectType } from 'type-graphql';
import { DecimalScalar } from './decimal.scalar';

@ObjectType({
  description: 'One block of a rate period: the rate up to a cumulative usage per billing month (or day).',
})
export class TariffRate {
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Usage the block ends at, in the tariff unit; null for the last block.',
  })
  upTo: string | null;

  @Field(() => DecimalScalar, { description: 'Price per unit, in the tariff currency.' })
  rate: string;
}
