import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../schema/context';
import { Tariff } from '../schema/tariff.type';

@Resolver(() => Tariff)
export class TariffResolver {
  @Query(() => [Tariff], {
    description: 'Every tariff the portal has loaded, by code, as in force now: what rateComparison can price with.',
  })
  async tariffs(@Ctx() { services }: GraphQLContext): Promise<Tariff[]> {
    return (await services.tariffs.all()).map((record) => Tariff.from(record));
  }
}
