import type { RequestHandler } from 'express';
import { parse, type DocumentNode } from 'graphql';
import { mostRepeatedResponseName } from './operation-size';
import type { QueryLimits } from './query-limits';

/** A GraphQL document refused before Apollo sees it; `graphqlBodyErrors` answers it in GraphQL's error shape. */
export class DocumentRefused extends Error {
  readonly status = 400;
  readonly graphqlCode = 'QUERY_TOO_COMPLEX';
}

/**
 * Refuses documents whose validation alone would be expensive, before Apollo validates them: Apollo runs graphql-js's
 * rules before any plugin can refuse an operation with a code, and the rule that compares same-named fields pair by
 * pair costs a quarter of a second of CPU on a document of a few thousand tokens, with no token needed. Parsing here
 * costs tens of microseconds for the portal's queries; a document that does not parse is left to Apollo to answer.
 */
export function documentGuard(limits: QueryLimits): RequestHandler {
  return (req, _res, next) => {
    const query: unknown = req.method === 'GET' ? req.query.query : req.body?.query;
    if (typeof query !== 'string') return next();
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
    } catch {
      return next();
    }
    const repeated = mostRepeatedResponseName(document);
    if (repeated <= limits.maxSameNameFields) return next();
    next(new DocumentRefused(`a selection set asks for one field name ${repeated} times (fragments included), more than ${limits.maxSameNameFields}`));
  };
}
