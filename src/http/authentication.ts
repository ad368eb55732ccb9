import type { IncomingMessage } from 'node:http';
import { decodeJwt } from 'jose';
import type { Principal } from '../auth/roles';
import { AuthenticationError, type TokenVerifier } from '../auth/tokens';

// The one way a request proves who it is, for every entry point: GraphQL (HTTP and its WebSocket subscriptions), ESPI
// REST, /cim, /metrics, the inbox upload and the admin pages (which also accept their session cookie, admin-auth.ts).
// Each entry point answers a failure in its own protocol's shape; what counts as signed in is decided here.

function bearerToken(authorization: string): string {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) throw new AuthenticationError('Authorization must be "Bearer <token>"');
  return match[1];
}

/** The principal of the request's bearer token; none without an Authorization header. A plain Node request too. */
export async function authenticate(req: IncomingMessage, verifier: TokenVerifier): Promise<Principal | undefined> {
  const header = req.headers.authorization;
  if (!header) return undefined;
  return verifier.verify(bearerToken(header));
}

/**
 * A long-lived connection's sign-in (a subscription socket): the principal of an Authorization value, and when its
 * token expires (ms since the epoch), when the connection must end. The verifier requires `exp`.
 */
export async function authenticateSession(
  authorization: string,
  verifier: TokenVerifier,
): Promise<{ principal: Principal; expiresAt: number }> {
  const token = bearerToken(authorization);
  const principal = await verifier.verify(token);
  return { principal, expiresAt: (decodeJwt(token).exp as number) * 1000 };
}
