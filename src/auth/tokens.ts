import { SignJWT, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config';
import { isRole, Role, type Principal } from './roles';
import { resolveHmacSecret } from './signing-key';

export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

function toPrincipal(payload: JWTPayload): Principal {
  const role = payload.role;
  if (!isRole(role)) throw new AuthenticationError('token has no valid "role" claim');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new AuthenticationError('token has no "sub" claim');
  const customer = payload.customer;
  if (role === Role.CUSTOMER && (typeof customer !== 'string' || customer === '')) {
    throw new AuthenticationError('a CUSTOMER token must carry a "customer" claim');
  }
  return { subject: payload.sub, role, customerId: typeof customer === 'string' ? customer : undefined };
}

const CLOCK_TOLERANCE_SECONDS = 5;
/** Verified tokens remembered; an app user keeps one token for many requests. */
const VERIFIED_TOKENS_KEPT = 10_000;
/** How long a verification is trusted at most: a key removed from the JWKS stops working within this time. */
const VERIFIED_TOKEN_TTL_MS = 5 * 60_000;

export function createTokenVerifier(config: Pick<Config, 'jwt' | 'dataDir'>, now: () => number = Date.now): TokenVerifier {
  const secret = resolveHmacSecret(config);
  const jwks: JWTVerifyGetKey | undefined = config.jwt.jwksUrl ? createRemoteJWKSet(new URL(config.jwt.jwksUrl)) : undefined;
  const options = { issuer: config.jwt.issuer, audience: config.jwt.audience, clockTolerance: CLOCK_TOLERANCE_SECONDS };
  // A signature check (WebCrypto HMAC, or RSA/EC for a JWKS) was a large part of a cached answer's CPU. A token
  // string that verified once is the same token until its `exp`: only the clock needs checking again.
  const verified = new Map<string, { principal: Principal; validUntil: number; expiresAt: number }>();
  return {
    async verify(token) {
      const at = now();
      const known = verified.get(token);
      if (known && at < known.validUntil) return known.principal;
      if (known) {
        verified.delete(token);
        if (at >= known.expiresAt) throw new AuthenticationError('token expired');
      }
      try {
        // Pinning the algorithms is what refuses `alg: none` and HS/RS confusion.
        const { payload } = jwks
          ? await jwtVerify(token, jwks, { ...options, algorithms: ASYMMETRIC_ALGORITHMS, currentDate: new Date(at) })
          : await jwtVerify(token, secret as Uint8Array, { ...options, algorithms: ['HS256'], currentDate: new Date(at) });
        const principal = toPrincipal(payload);
        // Tokens without `exp` are accepted as before, but only trusted for the TTL before they are checked again.
        const expiresAt = payload.exp === undefined ? Infinity : (payload.exp + CLOCK_TOLERANCE_SECONDS) * 1000;
        if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value as string);
        verified.set(token, { principal, expiresAt, validUntil: Math.min(expiresAt, at + VERIFIED_TOKEN_TTL_MS) });
        return principal;
      } catch (error) {
        if (error instanceof AuthenticationError) throw error;
        if (error instanceof errors.JWTExpired) throw new AuthenticationError('token expired');
        if (error instanceof errors.JOSEError) throw new AuthenticationError(`invalid token (${error.code})`);
        throw error;
      }
    },
  };
}

/** Mints an HS256 token; used by the `token` command for local use and by tests. */
export async function mintToken(
  config: Pick<Config, 'jwt' | 'dataDir'>,
  claims: { role: Role; subject?: string; customerId?: string; ttlSeconds: number },
): Promise<string> {
  const secret = resolveHmacSecret(config);
  if (!secret) throw new AuthenticationError('tokens can only be minted with JWT_SECRET (this installation uses JWT_JWKS_URL)');
  let jwt = new SignJWT({ role: claims.role, ...(claims.customerId ? { customer: claims.customerId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject ?? `local-${claims.role.toLowerCase()}`)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + claims.ttlSeconds);
  if (config.jwt.issuer) jwt = jwt.setIssuer(config.jwt.issuer);
  if (config.jwt.audience) jwt = jwt.setAudience(config.jwt.audience);
  return jwt.sign(secret);
}
