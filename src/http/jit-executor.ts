import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import {
  execute,
  getNullableType,
  getVariableValues,
  isEnumType,
  isInputObjectType,
  isListType,
  typeFromAST,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
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
 * coerces the already-coerced values again, which returns them unchanged for the scalars of this schema (ID, String,
 * Boolean, Int, DateTime from a Date, Decimal strings); enums it reads by name, so their internal values are turned
 * back into names first (`asNames`).
 */
export function jitGateway(schema: GraphQLSchema): Gateway {
  // Keyed by Apollo's hash of the query text; Map iteration order is insertion order, so the first key is the least
  // recently used one.
  const compiled = new Map<string, CompiledQuery>();
  const compile = (key: string, document: DocumentNode, operationName: string | undefined) => {
    let query = compiled.get(key);
    if (query) {
      compiled.delete(key);
    } else {
      const result = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
      // Validated, and the operation exists (see the executor): errors here would be graphql-jit's own, reported as
      // such.
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
          // Typed as always there, but absent when the operation name matches nothing: graphql-js's execute then
          // answers why without running anything, and Apollo turns that into its 400 OPERATION_RESOLUTION_FAILURE.
          if (!(operation as OperationDefinitionNode | undefined)) return execute({ schema, document, operationName });
          // Same coercion, same error cap and same errors as graphql-js's execute (Apollo maps them to BAD_USER_INPUT).
          const variables = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, {
            maxErrors: 50,
          });
          if (variables.errors) return { errors: variables.errors };
          const query = compile(`${queryHash}\0${operationName ?? ''}`, document, operationName);
          if (!isCompiledQuery(query)) return query;
          return query.query(
            undefined,
            context,
            asNames(schema, operation.variableDefinitions ?? [], variables.coerced),
          );
        },
      };
    },
    async stop() {},
  };
}

/** Coerced variables with every enum value given by its name again, the form graphql-jit coerces from. */
function asNames(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  coerced: Record<string, unknown>,
) {
  const out: Record<string, unknown> = { ...coerced };
  for (const definition of definitions) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (type && name in out) out[name] = enumsAsNames(type, out[name]);
  }
  return out;
}

function enumsAsNames(type: GraphQLInputType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const nullable = getNullableType(type);
  if (isEnumType(nullable)) return nullable.serialize(value);
  if (isListType(nullable))
    return Array.isArray(value)
      ? value.map((item) => enumsAsNames(nullable.ofType, item))
      : enumsAsNames(nullable.ofType, value);
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        fields[key] ? enumsAsNames(fields[key].type, item) : item,
      ]),
    );
  }
  return value;
}
