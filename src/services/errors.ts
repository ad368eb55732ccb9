import { GraphQLError } from 'graphql';

// Services run for the GraphQL API, so they raise GraphQL errors with the codes clients branch on; the HTTP layer
// passes these codes through unmasked.

/**
 * Invalid input: `field` is the path of the offending argument, e.g. ["usage", "timeZone"]. `status` only when the
 * request is refused before execution (an error met while resolving fields leaves the answer's HTTP status alone).
 */
export class BadUserInputError extends GraphQLError {
  constructor(message: string, field: readonly string[], status?: number) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', field, ...(status ? { http: { status } } : {}) } });
  }
}

export class AuthenticationRequiredError extends GraphQLError {
  constructor() {
    super('Sign in: this query needs a bearer token', { extensions: { code: 'UNAUTHENTICATED' } });
  }
}
