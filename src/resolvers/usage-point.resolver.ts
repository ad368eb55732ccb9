import { Arg, Args, Ctx, Extensions, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { idOf } from '../services/access/global-id';
import { MAX_INTERVAL_PAGE } from '../services/usage/usage.service';
import { completenessCost, maxPageSize, pageCost, rateComparisonCost, usageCost } from '../schema/complexity';
import { Completeness } from '../schema/completeness.type';
import { CompletenessArgs } from '../schema/completeness.args';
import { connectionFrom, type ConnectionShape } from '../schema/connection';
import { ConnectionArgs } from '../schema/connection.args';
import {
  IntervalReadingConnection,
  MeterReadingConnection,
  UsagePointConnection,
  UsageSummaryConnection,
} from '../schema/connections';
import type { GraphQLContext } from '../schema/context';
import { CustomerAccount } from '../schema/customer-account.type';
import { IntervalReading } from '../schema/interval-reading.type';
import { IntervalsArgs } from '../schema/intervals.args';
import { Meter } from '../schema/meter.type';
import { MeterReading } from '../schema/meter-reading.type';
import { ServiceLocation } from '../schema/service-location.type';
import { RateComparisonArgs } from '../schema/rate-comparison.args';
import { Tariff } from '../schema/tariff.type';
import { TariffCost } from '../schema/tariff-cost.type';
import { SummariesArgs } from '../schema/summaries.args';
import { UsageArgs } from '../schema/usage.args';
import { DateTimeScalar } from '../schema/date-time.scalar';
import { UsagePoint } from '../schema/usage-point.type';
import { UsageSeriesNode } from '../schema/usage-series.type';
import { UsageSummary } from '../schema/usage-summary.type';
import { toCompleteness, toUsageSeries } from './usage-mapping';

@Resolver(() => UsagePoint)
export class UsagePointResolver {
  @Query(() => UsagePoint, {
    nullable: true,
    description: 'A usage point by global id; null when it does not exist or is not visible to the caller.',
  })
  async usagePoint(
    @Arg('id', () => ID, { description: 'Global id of the usage point.' }) id: string,
    @Ctx() { services }: GraphQLContext,
  ): Promise<UsagePoint | null> {
    const key = idOf(id, 'UsagePoint');
    const record = key && (await services.directory.usagePoint(key));
    return record ? UsagePoint.from(record) : null;
  }

  @Query(() => UsagePointConnection, {
    complexity: pageCost,
    description:
      'Usage points visible to the caller, by id. For CSR and ADMIN: all, including those not yet claimed by a customer feed; a CUSTOMER sees its own.',
  })
  async usagePoints(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<UsagePoint>> {
    return connectionFrom(await services.directory.usagePointPage(args), UsagePoint.from);
  }

  @FieldResolver(() => CustomerAccount, {
    nullable: true,
    description: 'The account the usage point is billed to; null before a customer feed claims it.',
  })
  async account(@Root() usagePoint: UsagePoint, @Ctx() { services }: GraphQLContext): Promise<CustomerAccount | null> {
    const record = usagePoint.accountKey && (await services.directory.account(usagePoint.accountKey));
    return record ? CustomerAccount.from(record) : null;
  }

  @FieldResolver(() => ServiceLocation, {
    nullable: true,
    description: 'Where the usage point is installed, when known.',
  })
  async serviceLocation(
    @Root() usagePoint: UsagePoint,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ServiceLocation | null> {
    const record = usagePoint.locationKey && (await services.directory.serviceLocation(usagePoint.locationKey));
    return record ? ServiceLocation.from(record) : null;
  }

  @FieldResolver(() => [Meter], { description: 'Meters installed at the usage point (a handful at most).' })
  async meters(@Root() usagePoint: UsagePoint, @Ctx() { services }: GraphQLContext): Promise<Meter[]> {
    return (await services.directory.metersOf(usagePoint.key)).map(Meter.from);
  }

  @FieldResolver(() => MeterReadingConnection, {
    complexity: pageCost,
    description: 'Series of readings of the usage point (one per reading type).',
  })
  async meterReadings(
    @Root() usagePoint: UsagePoint,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<MeterReading>> {
    return connectionFrom(await services.directory.meterReadingsOf(usagePoint.key, args), MeterReading.from);
  }

  @FieldResolver(() => UsageSeriesNode, {
    nullable: true,
    complexity: usageCost,
    description:
      'Usage over [from, to) in buckets of local periods, summed exactly in the series unit, with cost and expected, received and estimated ' +
      'reading counts; with `compareTo`, each bucket beside the matching earlier one. Null when the usage point has no series in that direction.',
  })
  async usage(
    @Root() usagePoint: UsagePoint,
    @Args(() => UsageArgs) args: UsageArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<UsageSeriesNode | null> {
    const series = args.compareTo
      ? await services.usageComparison.compare(usagePoint.key, args, args.compareTo)
      : await services.usage.usage(usagePoint.key, args);
    if (!series) return null;
    const answer = toUsageSeries(series);
    const split = args.byRatePeriod ? await services.tariffPricing.ratePeriodsOf(series, args.resolution) : null;
    if (split) answer.buckets.forEach((bucket, i) => (bucket.ratePeriods = split[i]));
    return answer;
  }

  @FieldResolver(() => Tariff, {
    nullable: true,
    description:
      'The tariff the usage point is on, as in force at `at`; null when the ODS names none or its rates are not loaded.',
  })
  async tariff(
    @Root() usagePoint: UsagePoint,
    @Arg('at', () => DateTimeScalar, { nullable: true, description: 'When; now when omitted.' }) at: Date | null,
    @Ctx() { services }: GraphQLContext,
  ): Promise<Tariff | null> {
    const record = usagePoint.tariffCode && (await services.tariffs.tariffByCode(usagePoint.tariffCode));
    return record ? Tariff.from(record, at?.getTime()) : null;
  }

  @FieldResolver(() => [TariffCost], {
    nullable: true,
    complexity: rateComparisonCost,
    description:
      "The delivered usage of [from, to) re-priced under the usage point's tariff and each tariff given, cheapest marked. Null when the usage " +
      'point has no delivered series.',
  })
  async rateComparison(
    @Root() usagePoint: UsagePoint,
    @Args(() => RateComparisonArgs) args: RateComparisonArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<TariffCost[] | null> {
    const costs = await services.tariffPricing.compare(usagePoint.key, args);
    return (
      costs &&
      costs.map(({ tariff, ...figures }) =>
        Object.assign(new TariffCost(), { ...figures, tariff: Tariff.from(tariff, args.to.getTime() - 1) }),
      )
    );
  }

  @FieldResolver(() => IntervalReadingConnection, {
    nullable: true,
    complexity: pageCost,
    description: `Raw readings of a series over [from, to), in time order, ${MAX_INTERVAL_PAGE} at most per page. Null when the usage point has no series in that direction.`,
  })
  @Extensions(maxPageSize(MAX_INTERVAL_PAGE))
  async intervals(
    @Root() usagePoint: UsagePoint,
    @Args(() => IntervalsArgs) args: IntervalsArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<IntervalReading> | null> {
    const result = await services.usage.intervals(usagePoint.key, args);
    return result && connectionFrom(result.page, (record) => IntervalReading.from(record, result.series.readingType));
  }

  @FieldResolver(() => Completeness, {
    nullable: true,
    complexity: completenessCost,
    description:
      'Per local day: expected, received and estimated intervals (DST-aware), first and last reading; and the data-through time.',
  })
  async completeness(
    @Root() usagePoint: UsagePoint,
    @Args(() => CompletenessArgs) args: CompletenessArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<Completeness | null> {
    const result = await services.usage.completeness(usagePoint.key, args);
    return result && toCompleteness(result.days, result.dataThrough);
  }

  @FieldResolver(() => UsageSummaryConnection, {
    complexity: pageCost,
    description:
      'Bills (usage summaries) of the usage point by billing period start (oldest first unless `orderBy` says otherwise), optionally those overlapping [from, to).',
  })
  async summaries(
    @Root() usagePoint: UsagePoint,
    @Args(() => SummariesArgs) args: SummariesArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<UsageSummary>> {
    return connectionFrom(await services.directory.summariesOf(usagePoint.key, args), UsageSummary.from);
  }
}
