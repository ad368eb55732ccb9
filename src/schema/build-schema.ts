import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ViewerResolver } from '../resolvers/viewer.resolver';

export const resolvers = [ViewerResolver] as const;

export async function buildPortalSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...resolvers], validate: false });
}

/** The SDL committed as schema.graphql; sorted so that a diff shows only real API changes. */
export function printPortalSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
