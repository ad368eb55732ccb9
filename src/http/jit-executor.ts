import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { getVariableValues, isEnumType, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { GraphQLContext } from '../schema/context';

type Gateway = ApolloServerOptionsWithGateway<GraphQLContext>['gateway'];

/** Distinct operations kept compiled; a compiled usage query is a few hundred kB of generated code and closures. */
const COMPILED_QUERY_LIMIT = 200;

/**
 * Executes operations with graphql-jit, which compiles each operation once into a plain JS function: a year of DAY
 * buckets is 366 × 7 leaf fields, and graphql-js resolves every one of them through its generic machinery (argument
 * coercion, path objects, default resolvers), most of a usage request's CPU.
 *
 * Wired through Apollo's gateway interface, the documented place for a custom executor: Apollo still parses,
 * validates (its cached document store), runs every plugin (query cost and rate limits, metrics, error masking)
 * and builds the context (authentication) exactly as before; only the execution step is replaced.
 *
 * Variables are coerced by graphql-js first, as its execute would: graphql-jit's own coercion ignores input-field
 * defaults and words its errors so that Apollo no longer recognizes them as BAD_USER_INPUT. graphql-jit then
 * coerces the already-coerced values again, which returns them unchanged for every input type of this schema
 * (ID, String, Boolean, Int, DateTime from a Date, Decimal strings, enums whose values are their names, checked
 * below, and input objects of those).
 */
export function jitGateway(schema: GraphQLSchema): Gateway {
  assertEnumValuesAreNames(schema);
  // Keyed by Apollo's hash of the query text; Map iteration order is insertion order, so the first key is the least
  // recently used one.
  const compiled = new Map<string, CompiledQuery>();
  const compile = (key: string, document: DocumentNode, operationName: string | undefined) => {
    let query = compiled.get(key);
    if (query) {
      compiled.delete(key);
    } else {
      const result = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
      // Validation already passed, so a failure here is an operation name that matches nothing: report it as graphql-js would.
      if (!isCompiledQuery(result)) return result;
      query = result;
      if (compiled.size >= COMPILED_QUERY_LIMIT) compiled.delete(compiled.keys().next().value as string);
    }
    compiled.set(key, query);
    return query;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return {
        async executor({ document, operation, queryHash, request, context }): Promise<ExecutionResult> {
          const operationName = request.operationName ?? undefined;
          // Same coercion, same error cap and same errors as graphql-js's execute (Apollo maps them to BAD_USER_INPUT).
          const variables = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, {
            maxErrors: 50,
          });
          if (variables.errors) return { errors: variables.errors };
          const query = compile(`${queryHash}\0${operationName ?? ''}`, document, operationName);
          if (!isCompiledQuery(query)) return query;
          return query.query(undefined, context, variables.coerced);
        },
      };
    },
    async stop() {},
  };
}

/** graphql-jit re-coerces an enum variable by name; that is the identity only when each value is its own name. */
function assertEnumValuesAreNames(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isEnumType(type)) continue;
    for (const value of type.getValues()) {
      if (value.value !== value.name) {
        throw new Error(`enum ${type.name}.${value.name} has the internal value ${String(value.value)}; jit-executor needs it equal to the name`);
      }
    }
  }
}
