import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/auth/roles';
import { mintToken } from '../../src/auth/tokens';
import { loadConfig, type Config } from '../../src/config';
import { createLogger, type Logger } from '../../src/logger';
import { startSystem, type ProcessRole, type RunningSystem } from '../../src/main';
import { createTestDatabase, type TestDatabase } from './database';

export interface TestSystem {
  system: RunningSystem;
  config: Config;
  url: string;
  token(role: Role, customerId?: string): Promise<string>;
  stop(): Promise<void>;
}

/** A whole system on its own fresh database, listening on a free port, with a key to mint tokens for it. */
export async function startTestSystem(
  role: ProcessRole = 'serve',
  env: Record<string, string> = {},
  logger: Logger = createLogger('warn'),
): Promise<TestSystem> {
  const db: TestDatabase = await createTestDatabase('system');
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'system-')),
    JWT_SECRET: 'a-test-secret-that-is-long-enough-for-hs256',
    ...env,
  });
  const system = await startSystem(role, config, logger);
  return {
    system,
    config,
    url: system.http?.url ?? '',
    token: (tokenRole, customerId) => mintToken(config, { role: tokenRole, customerId, ttlSeconds: 600 }),
    async stop() {
      await system.stop();
      await db.drop();
    },
  };
}
