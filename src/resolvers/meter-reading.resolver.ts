import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../schema/context';
import { MeterReading } from '../schema/meter-reading.type';
import { ReadingType } from '../schema/reading-type.type';
import { UsagePoint } from '../schema/usage-point.type';

@Resolver(() => MeterReading)
export class MeterReadingResolver {
  @FieldResolver(() => ReadingType, { nullable: true, description: 'What the readings measure and in which unit.' })
  async readingType(
    @Root() meterReading: MeterReading,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ReadingType | null> {
    const record = await services.directory.readingType(meterReading.readingTypeKey);
    return record ? ReadingType.from(record) : null;
  }

  @FieldResolver(() => UsagePoint, { nullable: true, description: 'The usage point the series belongs to.' })
  async usagePoint(
    @Root() meterReading: MeterReading,
    @Ctx() { services }: GraphQLContext,
  ): Promise<UsagePoint | null> {
    const record = await services.directory.usagePoint(meterReading.usagePointKey);
    return record ? UsagePoint.from(record) : null;
  }
}
