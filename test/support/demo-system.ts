import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createLogger } from '../../src/logger';
import { seedDemoOds } from '../../src/ods/generator';
import { startApiSystem, type ApiSystem } from '../api/support/api-system';
import { createTestDatabase, type TestDatabase } from './database';
import { runExtract } from './extract';

export interface DemoSystem {
  api: ApiSystem;
  base: string;
  ods: TestDatabase;
  stop(): Promise<void>;
}

/**
 * The API process over a generated demo ODS of eight customers and 32 days up to the start of today (UTC), extracted
 * and loaded as the scheduled extract does. The eight include a solar home with gas (the demo page's
 * pick); `env` adds settings (DEMO_PAGE), and `beforeExtract` loads other data into the portal first.
 */
export async function startDemoSystem(
  env: Record<string, string>,
  beforeExtract?: (db: DataSource) => Promise<void>,
): Promise<DemoSystem> {
  const ods = await createTestDatabase('demo_ods');
  const client = new Client({ connectionString: ods.url });
  await client.connect();
  try {
    await seedDemoOds(client, { customers: 8, days: 32 });
  } finally {
    await client.end();
  }
  const api = await startApiSystem({ ODS_DATABASE_URL: ods.url, ...env });
  const dir = mkdtempSync(join(tmpdir(), 'demo-system-'));
  await beforeExtract?.(api.system.database.dataSource);
  await runExtract(api.system.database.dataSource, {
    odsUrl: ods.url,
    outboxDir: join(dir, 'outbox'),
    inboxDir: join(dir, 'inbox'),
    logger: createLogger('silent'),
  });
  return {
    api,
    base: api.system.http?.url as string,
    ods,
    async stop() {
      await api.stop();
      await ods.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
