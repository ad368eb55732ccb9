import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { CustomerAccountResolver } from '../resolvers/customer-account.resolver';
import { CustomerResolver } from '../resolvers/customer.resolver';
import { MeterReadingResolver } from '../resolvers/meter-reading.resolver';
import { NodeResolver } from '../resolvers/node.resolver';
import { UsagePointResolver } from '../resolvers/usage-point.resolver';
import { UsageSummaryResolver } from '../resolvers/usage-summary.resolver';
import { ViewerResolver } from '../resolvers/viewer.resolver';

export const resolvers = [
  ViewerResolver,
  NodeResolver,
  CustomerResolver,
  CustomerAccountResolver,
  UsagePointResolver,
  MeterReadingResolver,
  UsageSummaryResolver,
] as const;

export async function buildPortalSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...resolvers],
    // Inputs are checked by the services (with the argument's path in the error), not by class-validator.
    validate: false,
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
  });
}

/** The SDL committed as schema.graphql; sorted so that a diff shows only real API changes. */
export function printPortalSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
