import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { BillForecast } from '../schema/bill-forecast.type';
import { BillForecastArgs } from '../schema/bill-forecast.args';
import { forecastCost } from '../schema/complexity';
import type { GraphQLContext } from '../schema/context';
import type { CycleBasis } from '../schema/cycle-basis.enum';
import type { ForecastStatus } from '../schema/forecast-status.enum';
import { UsagePoint } from '../schema/usage-point.type';

@Resolver(() => UsagePoint)
export class BillForecastResolver {
  @FieldResolver(() => BillForecast, {
    nullable: true,
    complexity: forecastCost,
    description:
      'Bill to date and forecast of the open billing cycle (after the latest bill, or the calendar month): usage and cost so far, a projection ' +
      'for the whole cycle with a low-high range, the same cycle a year earlier, and the share of readings in. Null without a delivered series.',
  })
  async billForecast(
    @Root() usagePoint: UsagePoint,
    @Args(() => BillForecastArgs) { asOf }: BillForecastArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<BillForecast | null> {
    const forecast = await services.billForecasts.forecast(usagePoint.key, asOf);
    const record = forecast && (await services.directory.usagePoint(usagePoint.key));
    return (
      forecast &&
      Object.assign(new BillForecast(), {
        ...forecast,
        fixedCharges: record
          ? await services.tariffPricing.cycleFixedCharges(record, forecast.periodStart, forecast.periodEnd)
          : null,
        basis: forecast.basis as CycleBasis,
        status: forecast.status as ForecastStatus,
        unit: forecast.unit.unit,
        unitSymbol: forecast.unit.symbol,
      })
    );
  }
}
