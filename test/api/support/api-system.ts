import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../../src/auth/roles';
import { mintToken } from '../../../src/auth/tokens';
import { loadConfig, type Config } from '../../../src/config';
import { createLogger, type Logger } from '../../../src/logger';
import { startSystem, type RunningSystem } from '../../../src/main';
import { createTestDatabase, type TestDatabase } from '../../support/database';

export const TEST_JWT_SECRET = 'a-test-secret-that-is-long-enough-for-hs256';

export interface GraphQLResponse {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
  /** The Retry-After header of a 429. */
  retryAfter?: string;
}

/** One GraphQL request to `url` (the /graphql endpoint), with a bearer token when given. */
export async function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const retryAfter = response.headers.get('retry-after') ?? undefined;
  return {
    status: response.status,
    retryAfter,
    ...((await response.json()) as Omit<GraphQLResponse, 'status' | 'retryAfter'>),
  };
}

export interface ApiSystem {
  system: RunningSystem;
  config: Config;
  token(role: Role, customerId?: string, subject?: string): Promise<string>;
  query(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse>;
  stop(): Promise<void>;
}

/**
 * The API process (`usage-portal api`) on a fresh migrated database, listening on a free port; `env` adds settings,
 * and a `database` given is used (and left in place) instead of a fresh one.
 */
export async function startApiSystem(
  env: Record<string, string> = {},
  logger: Logger = createLogger('warn'),
  shared?: TestDatabase,
): Promise<ApiSystem> {
  const database = shared ?? (await createTestDatabase('api_http'));
  const dataDir = mkdtempSync(join(tmpdir(), 'api-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    ...env,
  });
  const system = await startSystem('api', config, logger);
  const url = `${system.http?.url}/graphql`;
  return {
    system,
    config,
    token: (role, customerId, subject) => mintToken(config, { role, customerId, subject, ttlSeconds: 600 }),
    query: (query, variables = {}, token) => postGraphQL(url, query, variables, token),
    async stop() {
      await system.stop();
      if (!shared) await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
