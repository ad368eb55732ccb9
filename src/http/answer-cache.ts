import type { ApolloServerPlugin } from '@apollo/server';
import type { Principal } from '../auth/roles';
import { BREAK, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type FormattedExecutionResult, type GraphQLSchema } from 'graphql';
import type { GraphQLContext } from '../schema/context';
import { ByteBoundedLru } from '../services/byte-lru';

/**
 * Fields whose values depend only on a usage point looked up by id (its visibility to the caller and its record)
 * and the usage data under its `data_version`, which the loader bumps in the transaction that writes readings,
 * rollups, series, zone or any other field of the point. Listed one by one: a field added later is not cached until
 * someone has checked that the version covers it. Account, location, customer and meter fields are not covered
 * (a customer feed moves usage points between accounts without a new data version).
 */
export const VERSIONED_FIELDS: ReadonlySet<string> = new Set([
  'Query.usagePoint',
  'UsagePoint.id',
  'UsagePoint.usage',
  'UsagePoint.completeness',
  ...['unit', 'unitSymbol', 'timeZone', 'currency', 'total', 'cost', 'readings', 'expected', 'estimated', 'buckets'].map((f) => `UsageSeries.${f}`),
  ...['start', 'end', 'value', 'cost', 'readings', 'expected', 'estimated'].map((f) => `UsageBucket.${f}`),
  ...['timeZone', 'days', 'expected', 'received', 'estimated', 'dataThrough'].map((f) => `Completeness.${f}`),
  ...['date', 'start', 'end', 'expected', 'received', 'estimated', 'missing', 'firstReading', 'lastReadingEnd'].map((f) => `DayCompleteness.${f}`),
]);

/** A query's `data` kept as the JSON text it serializes to: a cached answer is sent without being parsed or built again. */
export class CachedData {
  constructor(readonly json: string) {}
}

export interface Answer {
  /** The usage points the answer was built from, each with the data version it had then (null: not visible). */
  usagePoints: [string, string | null][];
  /** The `data` JSON as UTF-8, ready to write: no string to flatten and encode on every answer. */
  data: Buffer;
  /** What the query limits charged for it: a cached answer costs the caller's budget the same. */
  cost: number;
  /** The operation Apollo ran, for the metrics of the answers served from the cache. */
  operationName: string | undefined;
}

/**
 * An answer is the same for the same document, operation and variables asked by the same kind of caller (role and
 * customer); the operation name is the one the client sent, which is all a request read before Apollo knows. No name
 * and an empty one differ: Apollo runs the only operation for the first and finds none for the second.
 */
export function answerKey(queryHash: string, request: { operationName?: string | null; variables?: Record<string, unknown> | null }, principal: Principal): string {
  return `${queryHash}\0${JSON.stringify(request.operationName ?? null)}\0${principal.role}:${principal.customerId ?? ''}\0${JSON.stringify(request.variables ?? {})}`;
}

/** Serialized `data` of GraphQL queries over usage data, per caller, bounded by the bytes of their text. */
export class AnswerCache extends ByteBoundedLru<Answer> {
  store(key: string, answer: Answer): void {
    // The key (a JS string) and the version list take about as much as written.
    this.set(key, answer, answer.data.length + key.length * 2 + answer.usagePoints.length * 64);
  }
}

/** Whether every field the document selects is a versioned one (a document may hold several operations: all count). */
export function selectsOnlyVersionedFields(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let versioned = true;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (node.name.value === '__typename') return undefined;
        if (parent && VERSIONED_FIELDS.has(`${parent.name}.${node.name.value}`)) return undefined;
        versioned = false;
        return BREAK;
      },
    }),
  );
  return versioned;
}

/** Whether every usage point the answer was built from has, for this caller, the version it had (absent: not visible). */
export function isCurrent(answer: Answer, visible: ReadonlyMap<string, string>): boolean {
  return answer.usagePoints.every(([id, version]) => (visible.get(id) ?? null) === version);
}

/** Distinct query documents whose cacheability is remembered; past it the memory starts over. */
const SHAPES_KEPT = 1000;

/**
 * Keeps the answers of queries that select only versioned fields, with the usage points (and their data versions)
 * they were built from. Answers with errors are not kept. They are served by the answer lane (answer-lane.ts).
 */
export function answerCachePlugin(cache: AnswerCache): ApolloServerPlugin<GraphQLContext> {
  const shapes = new Map<string, boolean>();
  const cacheable = (schema: GraphQLSchema, document: DocumentNode, queryHash: string) => {
    let known = shapes.get(queryHash);
    if (known === undefined) {
      if (shapes.size >= SHAPES_KEPT) shapes.clear();
      shapes.set(queryHash, (known = selectsOnlyVersionedFields(schema, document)));
    }
    return known;
  };
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ queryHash, operation, operationName, document, schema, request, response, contextValue }) {
          const { principal } = contextValue;
          if (!principal || !queryHash || !document || operation?.operation !== 'query' || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors || !result.data || !cacheable(schema, document, queryHash)) return;
          const json = JSON.stringify(result.data);
          const cost = (result.extensions?.cost as { requested?: number } | undefined)?.requested ?? 0;
          const usagePoints = [...contextValue.services.directory.usagePointsSeen];
          cache.store(answerKey(queryHash, request, principal), { usagePoints, data: Buffer.from(json), cost, operationName: operationName ?? undefined });
          // Serialized once: the response sends the same text.
          result.data = new CachedData(json) as never;
        },
      };
    },
  };
}

/** Apollo's own serialization (JSON and a newline), with cached `data` spliced in as the text it already is. */
export function stringifyResult(result: FormattedExecutionResult): string {
  if (!(result.data instanceof CachedData)) return `${JSON.stringify(result)}\n`;
  const { data, ...rest } = result;
  const tail = JSON.stringify(rest);
  return `{"data":${data.json}${tail === '{}' ? '}' : `,${tail.slice(1)}`}\n`;
}
