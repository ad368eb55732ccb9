import { GraphQLError } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { DomainError, InvalidInputError, type DomainErrorCode, type Refusal } from '../services/errors';
import type { UserError } from './user-error.type';

// The codes GraphQL clients branch on; the HTTP layer passes them through unmasked (src/http/graphql.ts).
const GRAPHQL_CODES: Record<DomainErrorCode, string> = {
  INVALID_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
};

/**
 * A service's refusal as GraphQL clients know it. Invalid input gets `field`: the argument at fault under `path`, the
 * field that was asked for (["usage", "timeZone"]). `status` only when the request is refused before execution (an
 * error met while resolving fields leaves the answer's HTTP status alone).
 */
export function graphqlErrorOf(error: DomainError, path: readonly string[], status?: number): GraphQLError {
  const field = error instanceof InvalidInputError ? { field: [...path, error.argument] } : {};
  return new GraphQLError(error.message, {
    extensions: { code: GRAPHQL_CODES[error.code], ...field, ...(status ? { http: { status } } : {}) },
  });
}

/**
 * Around every resolver (resolvers/build-schema.ts): services do not know which field called them, the resolver does.
 * The field's name, not its alias, so that clients see the same path whatever they call the answer.
 */
export const domainErrorsOfField: MiddlewareFn = ({ info }, next) =>
  next().catch((error: unknown) => {
    throw error instanceof DomainError ? graphqlErrorOf(error, [info.fieldName]) : error;
  });

/** A mutation's refusals as its payload's userErrors: mutations take one `input`, and the argument is a field of it. */
export function userErrorsOf(refusals: readonly Refusal[]): UserError[] {
  return refusals.map(({ code, argument, message }) => ({ code, field: ['input', argument], message }));
}
