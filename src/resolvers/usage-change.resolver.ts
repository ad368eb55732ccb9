import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { pageCost, statisticsCost } from '../schema/complexity';
import { ChangesArgs, ForwardPageArgs } from '../schema/changes.args';
import { connectionFrom, type ConnectionShape } from '../schema/connection';
import { ReadingRevisionConnection, UsageChangeConnection } from '../schema/connections';
import type { GraphQLContext } from '../schema/context';
import { ReadingRevision } from '../schema/reading-revision.type';
import { MeterReading } from '../schema/meter-reading.type';
import { Statistic } from '../schema/statistic.type';
import { StatisticsArgs } from '../schema/statistics.args';
import { UsageChange } from '../schema/usage-change.type';
import { UsagePoint } from '../schema/usage-point.type';

// What changed at a usage point, and its hours with running sums: what integrations poll to stay in step.

@Resolver(() => UsagePoint)
export class UsagePointChangesResolver {
  @FieldResolver(() => UsageChangeConnection, {
    complexity: pageCost,
    description:
      'Committed loads and corrections that wrote readings of the usage point, at or after `since`, oldest first. A load that changed ' +
      'nothing is not listed. Poll with the last `pageInfo.endCursor` as `after` (and the same `since`) to get only what is new.',
  })
  async changes(
    @Root() usagePoint: UsagePoint,
    @Args(() => ChangesArgs) args: ChangesArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<UsageChange>> {
    return connectionFrom(await services.changes.changesOf(usagePoint.key, args), UsageChange.from);
  }

  @FieldResolver(() => [Statistic], {
    nullable: true,
    complexity: statisticsCost,
    description:
      "Hourly long-term statistics of a series from `since` through its latest reading (at most 744 hours; continue from the last hour): each hour's " +
      'value and the running sum since the series began, as Home Assistant imports them. Null when the usage point has no series in that direction.',
  })
  async statistics(
    @Root() usagePoint: UsagePoint,
    @Args(() => StatisticsArgs) args: StatisticsArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<Statistic[] | null> {
    const hours = await services.usage.hourlyStatistics(usagePoint.key, args);
    return hours && hours.map((hour) => Object.assign(new Statistic(), hour));
  }
}

@Resolver(() => UsageChange)
export class UsageChangeResolver {
  @FieldResolver(() => ReadingRevisionConnection, {
    complexity: pageCost,
    description: 'The stored readings this load changed at the usage point, with old and new values.',
  })
  async revisions(
    @Root() change: UsageChange,
    @Args(() => ForwardPageArgs) args: ForwardPageArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<ReadingRevision>> {
    return connectionFrom(await services.changes.revisionsOf(change.key, args), ReadingRevision.from);
  }

  @FieldResolver(() => UsagePoint, { nullable: true, description: 'The usage point changed.' })
  async usagePoint(@Root() change: UsageChange, @Ctx() { services }: GraphQLContext): Promise<UsagePoint | null> {
    const record = await services.directory.usagePoint(change.usagePointKey);
    return record ? UsagePoint.from(record) : null;
  }
}

@Resolver(() => ReadingRevision)
export class ReadingRevisionResolver {
  @FieldResolver(() => MeterReading, { nullable: true, description: 'The series of the reading.' })
  async meterReading(
    @Root() revision: ReadingRevision,
    @Ctx() { services }: GraphQLContext,
  ): Promise<MeterReading | null> {
    const record = await services.directory.meterReading(revision.meterReadingKey);
    return record ? MeterReading.from(record) : null;
  }
}
