// Services are called from GraphQL, ESPI REST, /cim, downloads and the CLI, so what they refuse they say in their own
// terms: a stable code and, for bad input, the argument of the call at fault. Each edge words it for its clients
// (GraphQL: src/schema/graphql-errors.ts; HTTP: status codes in src/http; the CLI: exit codes in src/cli.ts); anything
// else a service throws is our fault.

export type DomainErrorCode = 'INVALID_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
}

/** An argument of the service call is unacceptable: `argument` names it as the call does, e.g. 'timeZone' or 'after'. */
export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
  readonly name = 'InvalidInputError';

  constructor(
    message: string,
    readonly argument: string,
  ) {
    super(message);
  }
}

/** No principal, where the call needs one. */
export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  readonly name = 'UnauthenticatedError';

  constructor() {
    super('Sign in: this query needs a bearer token');
  }
}

/** A principal whose role does not hold the permission the call needs (see access/permissions.ts). */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly name = 'ForbiddenError';
}

/**
 * What a call that changes things declines to do, returned rather than thrown: nothing was done, and the user can fix
 * `argument` (named as the call names it) and try again.
 */
export interface Refusal {
  /** Stable, e.g. FILE_NOT_FOUND. */
  code: string;
  argument: string;
  message: string;
}
