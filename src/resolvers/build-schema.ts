import 'reflect-metadata';
import { isInterfaceType, isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, UseMiddleware, type PubSub } from 'type-graphql';
import { AlertResolver, AlertRuleResolver } from './alert.resolver';
import { BillForecastResolver } from './bill-forecast.resolver';
import { CustomerAccountResolver } from './customer-account.resolver';
import { CustomerResolver } from './customer.resolver';
import { DownloadResolver } from './download.resolver';
import { ImportAdminResolver } from './import-admin.resolver';
import { ImportBatchResolver } from './import-batch.resolver';
import { MeterReadingResolver } from './meter-reading.resolver';
import { NodeResolver } from './node.resolver';
import { OpsAdminResolver } from './ops-admin.resolver';
import { JobQueueResolver, JobResolver } from './ops.resolver';
import { TariffResolver } from './tariff.resolver';
import { ReadingRevisionResolver, UsageChangeResolver, UsagePointChangesResolver } from './usage-change.resolver';
import { UsagePointResolver } from './usage-point.resolver';
import { UsageSummaryResolver } from './usage-summary.resolver';
import { SubscriptionResolver } from './subscription.resolver';
import { ViewerResolver } from './viewer.resolver';
import { WebhookResolver } from './webhook.resolver';
import { DateTimeScalar } from '../schema/date-time.scalar';
import { domainErrorsOfField } from '../schema/graphql-errors';
import { resolveNodeType } from '../schema/node.interface';

export const resolvers = [
  ViewerResolver,
  NodeResolver,
  CustomerResolver,
  CustomerAccountResolver,
  UsagePointResolver,
  UsagePointChangesResolver,
  UsageChangeResolver,
  ReadingRevisionResolver,
  BillForecastResolver,
  MeterReadingResolver,
  UsageSummaryResolver,
  ImportAdminResolver,
  JobQueueResolver,
  JobResolver,
  ImportBatchResolver,
  OpsAdminResolver,
  DownloadResolver,
  TariffResolver,
  AlertRuleResolver,
  AlertResolver,
  SubscriptionResolver,
  WebhookResolver,
] as const;

// Services raise domain errors; on their way out of a resolver they become the field's GraphQL errors.
for (const resolver of resolvers) UseMiddleware(domainErrorsOfField)(resolver);

// Types returned by the hundred or thousand per response (a year of daily buckets is 366 objects of 7 fields). They
// only have plain fields, and no field middleware or auth checker is used, so graphql-js's default resolver can read
// them directly; type-graphql's per-field wrapper would otherwise dominate the cost of a usage query.
const PLAIN_BULK_TYPES = ['UsageBucket', 'DayCompleteness', 'RangeUsage', 'UsageDifference'];

// type-graphql builds no subscription field without a PubSub, even when every field subscribes itself (`subscribe`),
// as ours do: each reaches this process's feeds through its request services (usage-update.resolver.ts).
const NO_TOPICS: PubSub = {
  publish() {
    throw new Error('subscriptions of this schema have no type-graphql topics');
  },
  subscribe() {
    throw new Error('subscriptions of this schema have no type-graphql topics');
  },
};

export async function buildPortalSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...resolvers],
    // Inputs are checked by the services (with the argument's path in the error), not by class-validator.
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    pubSub: NO_TOPICS,
  });
  const query = schema.getQueryType();
  if (query)
    query.description =
      'Entry points: the signed-in viewer, objects by global id, and paginated lists, all limited to what the caller may see.';
  for (const name of PLAIN_BULK_TYPES) {
    const type = schema.getType(name);
    if (!isObjectType(type)) throw new Error(`${name} is not an object type of the schema`);
    for (const field of Object.values(type.getFields())) field.resolve = undefined;
  }
  // type-graphql wraps resolveType in an async function; graphql-jit (src/http/jit-executor.ts) needs the type name
  // synchronously, as graphql-js also accepts it.
  const node = schema.getType('Node');
  if (!isInterfaceType(node)) throw new Error('Node is not an interface of the schema');
  node.resolveType = resolveNodeType;
  return schema;
}

/** The SDL committed as schema.graphql; sorted so that a diff shows only real API changes. */
export function printPortalSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
