import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { fromGlobalId } from '../services/access/global-id';
import type { RequestServices } from '../services/request-services';
import type { GraphQLContext } from '../schema/context';
import { Alert } from '../schema/alert.type';
import { AlertRule } from '../schema/alert-rule.type';
import { Customer } from '../schema/customer.type';
import { CustomerAccount } from '../schema/customer-account.type';
import { ImportBatch } from '../schema/import-batch.type';
import { IntervalReading } from '../schema/interval-reading.type';
import { Meter } from '../schema/meter.type';
import { MeterReading } from '../schema/meter-reading.type';
import { Node } from '../schema/node.interface';
import { ReadingType } from '../schema/reading-type.type';
import { ServiceLocation } from '../schema/service-location.type';
import { Tariff } from '../schema/tariff.type';
import { UsageChange } from '../schema/usage-change.type';
import { UsagePoint } from '../schema/usage-point.type';
import { UsageSummary } from '../schema/usage-summary.type';
import { WebhookDelivery } from '../schema/webhook-delivery.type';
import { WebhookEndpoint } from '../schema/webhook-endpoint.type';

// Each lookup goes through the same scoped service as the typed queries, so node(id:) reveals nothing they do not.
async function loadNode(
  { directory, usage, ops, tariffs, changes, alertRules, webhooks }: RequestServices,
  id: string,
): Promise<Node | null> {
  const decoded = fromGlobalId(id);
  if (!decoded) return null;
  const [key, second, third] = decoded.keys;
  const map = async <R, T>(record: Promise<R | null>, to: (r: R) => T) => {
    const found = await record;
    return found ? to(found) : null;
  };
  switch (decoded.type) {
    case 'Customer':
      return map(directory.customer(key), Customer.from);
    case 'CustomerAccount':
      return map(directory.account(key), CustomerAccount.from);
    case 'ServiceLocation':
      return map(directory.serviceLocation(key), ServiceLocation.from);
    case 'UsagePoint':
      return map(directory.usagePoint(key), UsagePoint.from);
    case 'Meter':
      return map(directory.meter(key), Meter.from);
    case 'ReadingType':
      return map(directory.readingType(key), ReadingType.from);
    case 'MeterReading':
      return map(directory.meterReading(key), MeterReading.from);
    case 'UsageSummary':
      return map(directory.summary(key, second), UsageSummary.from);
    case 'IntervalReading':
      return map(usage.interval(key, second, new Date(Number(third) * 1000)), (found) =>
        IntervalReading.from(found.reading, found.series.readingType),
      );
    case 'ImportBatch':
      // Operational, not customer data: OPS and ADMIN only; for the other roles it does not exist.
      return ops.visible ? map(ops.importBatch(key), ImportBatch.from) : null;
    case 'Tariff':
      return map(tariffs.tariff(key), (record) => Tariff.from(record));
    case 'UsageChange':
      return map(changes.change(key), UsageChange.from);
    case 'AlertRule':
      return map(alertRules.rule(key), AlertRule.from);
    case 'Alert':
      return map(alertRules.alert(key), Alert.from);
    case 'WebhookEndpoint':
      return webhooks.visible ? map(webhooks.endpoint(key), WebhookEndpoint.from) : null;
    case 'WebhookDelivery':
      return webhooks.visible ? map(webhooks.delivery(key), WebhookDelivery.from) : null;
  }
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: 'Any object by its global id; null when it does not exist or is not visible to the caller.',
  })
  node(
    @Arg('id', () => ID, { description: 'Global id of the object.' }) id: string,
    @Ctx() { services }: GraphQLContext,
  ): Promise<Node | null> {
    return loadNode(services, id);
  }
}
