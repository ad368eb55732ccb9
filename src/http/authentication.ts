import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/roles';
import { AuthenticationError, type TokenVerifier } from '../auth/tokens';

// The one way a request proves who it is, for every entry point: GraphQL, ESPI REST, /cim, /metrics, the inbox upload
// and the admin pages (which also accept their session cookie, admin-auth.ts). Each entry point answers a failure in
// its own protocol's shape; what counts as signed in is decided here.

/** The principal of the request's bearer token; none without an Authorization header. A plain Node request too. */
export async function authenticate(req: IncomingMessage, verifier: TokenVerifier): Promise<Principal | undefined> {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AuthenticationError('Authorization header must be "Bearer <token>"');
  return verifier.verify(match[1]);
}
