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

/** How far the clocks of an identity provider and this process may disagree: for `exp`, `nbf` and `iat`. */
const CLOCK_SKEW_SECONDS = 5;
/** Verified tokens remembered; an app user keeps one token for many requests. */
const VERIFIED_TOKENS_KEPT = 10_000;
/** How long a verification is trusted at most: a key removed from the JWKS stops working within this time. */
const VERIFIED_TOKEN_TTL_MS = 5 * 60_000;

/**
 * The lifetime rules jose does not check: a token must expire (`exp`, required by jwtVerify), must not be issued in
 * the future, and may live at most JWT_MAX_TTL, counted from `iat` or, without one, from now. A stolen token is then
 * worth a day at most, whatever its issuer chose.
 */
function checkLifetime(payload: JWTPayload, nowSeconds: number, maxTtlSeconds: number): void {
  const exp = payload.exp as number;
  if (payload.iat !== undefined && payload.iat > nowSeconds + CLOCK_SKEW_SECONDS)
    throw new AuthenticationError('token issued in the future');
  const lifetime = exp - (payload.iat ?? nowSeconds);
  if (lifetime > maxTtlSeconds + CLOCK_SKEW_SECONDS)
    throw new AuthenticationError(`token lifetime exceeds the maximum of ${maxTtlSeconds} s (JWT_MAX_TTL)`);
}

export function createTokenVerifier(
  config: Pick<Config, 'jwt' | 'dataDir'>,
  now: () => number = Date.now,
): TokenVerifier {
  const secret = resolveHmacSecret(config);
  const jwks: JWTVerifyGetKey | undefined = config.jwt.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwt.jwksUrl))
    : undefined;
  const options = {
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    clockTolerance: CLOCK_SKEW_SECONDS,
    requiredClaims: ['exp'],
  };
  // A signature check (WebCrypto HMAC, or RSA/EC for a JWKS) was a large part of a cached answer's CPU. A token
  // string that passed every check once is the same token until its `exp`: only the clock needs checking again. Only
  // tokens that passed are remembered, and never beyond their `exp`, so the cache skips no rule.
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
          : await jwtVerify(token, secret as Uint8Array, {
              ...options,
              algorithms: ['HS256'],
              currentDate: new Date(at),
            });
        checkLifetime(payload, at / 1000, config.jwt.maxTtlSeconds);
        const principal = toPrincipal(payload);
        const expiresAt = ((payload.exp as number) + CLOCK_SKEW_SECONDS) * 1000;
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
  if (claims.ttlSeconds > config.jwt.maxTtlSeconds)
    throw new AuthenticationError(`a token may live at most ${config.jwt.maxTtlSeconds} s (JWT_MAX_TTL)`);
  const secret = resolveHmacSecret(config);
  if (!secret)
    throw new AuthenticationError('tokens can only be minted with JWT_SECRET (this installation uses JWT_JWKS_URL)');
  let jwt = new SignJWT({ role: claims.role, ...(claims.customerId ? { customer: claims.customerId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject ?? `local-${claims.role.toLowerCase()}`)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + claims.ttlSeconds);
  if (config.jwt.issuer) jwt = jwt.setIssuer(config.jwt.issuer);
  if (config.jwt.audience) jwt = jwt.setAudience(config.jwt.audience);
  return jwt.sign(secret);
}
