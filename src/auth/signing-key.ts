import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';

/** A random secret kept in DATA_DIR, created on first use, so it survives restarts of the same installation. */
function localSecret(dataDir: string, name: string): Uint8Array {
  const file = join(dataDir, name);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

/**
 * The HS256 secret: JWT_SECRET when set; otherwise (embedded, non-production use) a random secret kept in DATA_DIR so
 * that tokens minted by `usage-portal token` keep working across restarts of the same installation.
 */
export function resolveHmacSecret(config: Pick<Config, 'jwt' | 'dataDir'>): Uint8Array | undefined {
  if (config.jwt.secret) return new TextEncoder().encode(config.jwt.secret);
  if (config.jwt.jwksUrl) return undefined;
  return localSecret(config.dataDir, 'jwt-secret');
}

/**
 * The key of signed download URLs: derived from the token secret (so every replica sharing JWT_SECRET accepts the
 * others' URLs, and a URL can never pass for a token), or with JWT_JWKS_URL a random key in DATA_DIR.
 */
export function resolveUrlSigningKey(config: Pick<Config, 'jwt' | 'dataDir'>): Buffer {
  const base = resolveHmacSecret(config) ?? localSecret(config.dataDir, 'url-signing-secret');
  return createHmac('sha256', base).update('usage-portal signed download URL v1').digest();
}
