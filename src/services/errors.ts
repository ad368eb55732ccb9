import { GraphQLError } from 'graphql';

// Services run for the GraphQL API, so they raise GraphQL errors with the codes clients branch on; the HTTP layer
// passes these codes through unmasked.

/** Invalid input: `field` is the path of the offending argument, e.g. ["usage", "timeZone"]. */
export class BadUserInputError extends GraphQLError {
  constructor(message: string, field: readonly string[]) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', field } });
  }
}

export class AuthenticationRequiredError extends GraphQLError {
  constructor() {
    super('Sign in: this query needs a bearer token', { extensions: { code: 'UNAUTHENTICATED' } });
  }
}
