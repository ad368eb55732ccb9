import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { GraphQLContext } from '../schema/context';

type Gateway = ApolloServerOptionsWithGateway<GraphQLContext>['gateway'];

/**
 * Executes operations with graphql-jit, which compiles each operation once into a plain JS function: a year of DAY
 * buckets is 366 × 7 leaf fields, and graphql-js resolves every one of them through its generic machinery (argument
 * coercion, path objects, default resolvers), most of a usage request's CPU.
 *
 * Wired through Apollo's gateway interface, the documented place for a custom executor: Apollo still parses,
 * validates (its cached document store), runs every plugin (query cost and rate limits, metrics, error masking)
 * and builds the context (authentication) exactly as before; only the execution step is replaced.
 */
export function jitGateway(schema: GraphQLSchema): Gateway {
  // Apollo's document store hands back the same DocumentNode for the same query text, so a weak map keyed by it
  // compiles each distinct operation once and forgets it when the store evicts the document.
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery>>();
  const compile = (document: DocumentNode, operationName: string | undefined) => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    const key = operationName ?? '';
    let query = byName.get(key);
    if (!query) {
      const result = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
      // Validation already passed, so a failure here is an operation name that matches nothing: report it as graphql-js would.
      if (!isCompiledQuery(result)) return result;
      byName.set(key, (query = result));
    }
    return query;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return {
        async executor({ document, request, context }) {
          const query = compile(document, request.operationName ?? undefined);
          if (!isCompiledQuery(query)) return query;
          return query.query(undefined, context, request.variables ?? {});
        },
      };
    },
    async stop() {},
  };
}
