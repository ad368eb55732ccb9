import { parse, type DocumentNode } from 'graphql';
import { mostRepeatedResponseName } from './operation-size';
import type { QueryLimits } from './query-limits';

/** A GraphQL document refused before Apollo sees it, answered in GraphQL's error shape (graphql-route.ts). */
export class DocumentRefused extends Error {
  readonly status = 400;
  readonly graphqlCode = 'QUERY_TOO_COMPLEX';
}

/** Distinct documents, and characters of them, remembered as accepted; past either the memory starts over. */
const ACCEPTED_KEPT = 1000;
const ACCEPTED_CHARS_KEPT = 4_000_000;

/**
 * Refuses documents whose validation alone would be expensive, before Apollo validates them: Apollo runs graphql-js's
 * rules before any plugin can refuse an operation with a code, and the rule that compares same-named fields pair by
 * pair costs a quarter of a second of CPU on a document of a few thousand tokens, with no token needed. The apps send
 * the same few documents again and again, so an accepted one is remembered and not parsed again; a document that does
 * not parse is left to Apollo to answer.
 */
export function documentGuard(limits: QueryLimits): (query: unknown) => DocumentRefused | undefined {
  const accepted = new Set<string>();
  let chars = 0;
  return (query) => {
    if (typeof query !== 'string' || accepted.has(query)) return undefined;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
    } catch {
      return undefined;
    }
    const repeated = mostRepeatedResponseName(document);
    if (repeated > limits.maxSameNameFields) {
      return new DocumentRefused(
        `a selection set asks for one field name ${repeated} times (fragments included), more than ${limits.maxSameNameFields}`,
      );
    }
    if (accepted.size >= ACCEPTED_KEPT || chars + query.length > ACCEPTED_CHARS_KEPT) {
      accepted.clear();
      chars = 0;
    }
    accepted.add(query);
    chars += query.length;
    return undefined;
  };
}
