import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../../src/auth/roles';
import { createLogger } from '../../../src/logger';
import { toGlobalId } from '../../../src/services/access/global-id';
import { importFile } from '../../../src/services/import/import-file';
import { writeFeed, type FeedSpec } from '../../import/feed';
import { startApiSystem, type ApiSystem } from './api-system';
import { openApiDatabase, type ApiDatabase } from './database';
import { seedCustomer } from './seed';

export type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Generated ESPI feeds (test/import/feed.ts, US Eastern) loaded by the import service, and an API process over them. */
export interface FeedSystem {
  db: ApiDatabase;
  api: ApiSystem;
  csr: string;
  /** Loads a feed; returns the batch id. */
  load(name: string, spec: FeedSpec, force?: boolean): Promise<string>;
  /** Gives each usage point a customer of its own: their database ids and global ids, by usage point id. */
  claim(): Promise<{ ids: string[]; points: string[]; customers: string[] }>;
  /** The data of a query that must answer without errors. */
  data(query: string, token?: string): Promise<Data>;
  stop(): Promise<void>;
}

export async function startFeedSystem(prefix: string): Promise<FeedSystem> {
  const db = await openApiDatabase(prefix);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const api = await startApiSystem({}, undefined, db.database);
  const csr = await api.token(Role.CSR);
  const logger = createLogger('silent');
  return {
    db,
    api,
    csr,
    async load(name, spec, force = false) {
      const result = await importFile(db.db, {
        path: writeFeed(join(dir, name), spec),
        source: 'cli',
        fallbackZone: 'America/New_York',
        logger,
        force,
      });
      assert.equal(result.status, 'loaded', JSON.stringify(result.errors));
      return result.batchId as string;
    },
    async claim() {
      const claimed = { ids: [] as string[], points: [] as string[], customers: [] as string[] };
      for (const { id } of (await db.db.query(
        `SELECT id::text FROM usage_point WHERE customer_account_id IS NULL ORDER BY id`,
      )) as { id: string }[]) {
        const { customerId, accountId } = await seedCustomer(db.db, `Customer ${id}`);
        await db.db.query(`UPDATE usage_point SET customer_account_id = $1 WHERE id = $2`, [accountId, id]);
        claimed.ids.push(id);
        claimed.points.push(toGlobalId('UsagePoint', id));
        claimed.customers.push(toGlobalId('Customer', customerId));
      }
      return claimed;
    },
    async data(query, token = csr) {
      const response = await api.query(query, {}, token);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      return response.data as Data;
    },
    async stop() {
      await api.stop();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
