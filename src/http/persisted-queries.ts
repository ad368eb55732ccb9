import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLContext } from '../schema/context';
import { StartupError } from '../startup-error';

// The mobile apps' operations, known at build time, as Apollo's persisted query manifest (what
// `generate-persisted-query-manifest` writes): an app sends an operation's id alone, and with the allow-list on the
// API runs nothing else, so a leaked token cannot be used to send arbitrary documents.

const FORMAT = 'apollo-persisted-query-manifest';

/** The operations of a manifest: each body by its id, the sha256 (hex) of the body. */
export type PersistedQueries = ReadonlyMap<string, string>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Reads and checks a manifest; whatever is wrong with it stops the start, naming the file and the operation. */
export function loadPersistedQueries(file: string): PersistedQueries {
  const refuse = (problem: string) => new StartupError(`PERSISTED_QUERIES_FILE: ${file}: ${problem}`);
  let manifest: { format?: unknown; version?: unknown; operations?: unknown };
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as typeof manifest;
  } catch (error) {
    throw refuse(
      (error as NodeJS.ErrnoException).code
        ? `cannot be read (${(error as NodeJS.ErrnoException).code})`
        : 'is not JSON',
    );
  }
  if (manifest?.format !== FORMAT || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
    throw refuse(
      `is not an Apollo persisted query manifest ({"format": "${FORMAT}", "version": 1, "operations": [...]})`,
    );
  }
  const queries = new Map<string, string>();
  manifest.operations.forEach((operation: { id?: unknown; name?: unknown; body?: unknown }, index) => {
    const which = `operation ${index}${typeof operation?.name === 'string' ? ` (${operation.name})` : ''}`;
    if (typeof operation?.id !== 'string' || typeof operation.body !== 'string')
      throw refuse(`${which} needs a string "id" and "body"`);
    if (operation.id !== sha256(operation.body)) throw refuse(`${which}: its id is not the sha256 of its body`);
    try {
      parse(operation.body);
    } catch (error) {
      throw refuse(`${which}: its body is not a GraphQL document (${(error as Error).message})`);
    }
    queries.set(operation.id, operation.body);
  });
  return queries;
}

/**
 * Serves the manifest's operations by id (`extensions.persistedQuery.sha256Hash` without a `query`, as Apollo
 * Client's persisted query link sends them), beside Apollo's automatic persisted queries. With `only`, every other
 * document is refused: an unknown id gets Apollo's PERSISTED_QUERY_NOT_FOUND, a query text not in the manifest
 * PERSISTED_QUERY_NOT_ALLOWED (400) once it is parsed, before it is priced, charged or run.
 *
 * Installed before the query limits: Apollo calls the plugins' didResolveOperation hooks in order, and a refusal
 * thrown synchronously from this one stops the rest, so a refused document is neither priced nor charged.
 */
export function persistedQueriesPlugin(queries: PersistedQueries, only: boolean): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ request }) {
      const id = request.extensions?.persistedQuery?.sha256Hash;
      // Apollo reads the source after this hook: the manifest's body is then checked against the id like any other.
      if (request.query === undefined && typeof id === 'string' && queries.has(id)) request.query = queries.get(id);
      if (!only) return;
      return {
        didResolveOperation({ queryHash }) {
          if (!queries.has(queryHash)) {
            throw new GraphQLError(
              'this API runs only the operations of its persisted query list: send the id of a listed operation',
              {
                extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED', http: { status: 400 } },
              },
            );
          }
          return Promise.resolve();
        },
      };
    },
  };
}

/**
 * The document a subscribe message over WebSocket runs (subscriptions.ts), by the plugin's rules: a listed operation by
 * its id alone, and with `only` nothing off the list (PERSISTED_QUERY_NOT_ALLOWED). The GraphQLError that refuses it.
 */
export function persistedDocument(
  queries: PersistedQueries,
  only: boolean,
  query: string | undefined,
  id: unknown,
): string | GraphQLError {
  const listed = typeof id === 'string' ? queries.get(id) : undefined;
  const text = query || listed;
  if (only && !(text !== undefined && queries.has(sha256(text)))) {
    return new GraphQLError(
      'this API runs only the operations of its persisted query list: send the id of a listed operation',
      {
        extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED' },
      },
    );
  }
  return (
    text ??
    new GraphQLError('send the query, or the id of a listed operation', {
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    })
  );
}
