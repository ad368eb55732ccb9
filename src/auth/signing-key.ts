import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';

/**
 * The HS256 secret: JWT_SECRET when set; otherwise (embedded, non-production use) a random secret kept in DATA_DIR so
 * that tokens minted by `usage-portal token` keep working across restarts of the same installation.
 */
export function resolveHmacSecret(config: Pick<Config, 'jwt' | 'dataDir'>): Uint8Array | undefined {
  if (config.jwt.secret) return new TextEncoder().encode(config.jwt.secret);
  if (config.jwt.jwksUrl) return undefined;
  const file = join(config.dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}
