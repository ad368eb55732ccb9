import { Client } from 'pg';
import type { Config } from '../config';
import { ensureDatabase } from '../db/database';
import type { Logger } from '../logger';
import { DEFAULT_SEED, seedDemoOds, type SeedOptions, type SeedResult } from './generator';

export const DEMO_ODS_DATABASE = 'usage_portal_ods';

/**
 * Where the ODS is: ODS_DATABASE_URL, or in embedded mode the demo database beside the portal's in the embedded
 * server. With an external portal database and no ODS_DATABASE_URL there is none, and the extract is disabled.
 */
export function odsUrlFor(
  config: Pick<Config, 'odsDatabaseUrl' | 'databaseUrl'>,
  portalUrl: string,
): string | undefined {
  if (config.odsDatabaseUrl) return config.odsDatabaseUrl;
  if (config.databaseUrl) return undefined;
  const url = new URL(portalUrl);
  url.pathname = `/${DEMO_ODS_DATABASE}`;
  return url.toString();
}

/** Whether there is an ODS to extract from (see odsUrlFor). */
export const odsConfigured = (config: Pick<Config, 'odsDatabaseUrl' | 'databaseUrl'>) =>
  !!config.odsDatabaseUrl || !config.databaseUrl;

export const isDemoOds = (config: Pick<Config, 'odsDatabaseUrl' | 'databaseUrl'>) =>
  !config.odsDatabaseUrl && !config.databaseUrl;

/** Refuses to TRUNCATE a real ODS: only an empty database or one the generator made may be (re)seeded. */
async function assertDemoTarget(client: Client): Promise<void> {
  const { rows } = await client.query<{ real: boolean }>(
    `SELECT to_regclass('ods.customer') IS NOT NULL AND to_regclass('ods.demo_seed') IS NULL AS real`,
  );
  if (rows[0].real)
    throw new Error('the ODS database holds an ods schema the demo generator did not create: not overwriting it');
}

async function withClient<T>(url: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'usage-portal-seed-demo' });
  // A connection lost mid-query (the server stopping under a shutdown) also rejects that query, which the caller
  // handles; without a listener the same error emitted as an event would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Whether the ODS at `url` holds data the demo generator made (and nothing else): its customers are fictitious. */
export async function isGeneratedDemoOds(url: string): Promise<boolean> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ demo: boolean }>(`SELECT to_regclass('ods.demo_seed') IS NOT NULL AS demo`);
    return rows[0].demo;
  });
}

/** (Re)generates the demo ODS at `url`; with `ifMissing`, only when it was never seeded (undefined then). */
export async function seedDemo(url: string, options: Partial<SeedOptions>): Promise<SeedResult | undefined> {
  return withClient(url, async (client) => {
    await assertDemoTarget(client);
    return seedDemoOds(client, {
      ...options,
      customers: options.customers ?? DEFAULT_SEED.customers,
      days: options.days ?? DEFAULT_SEED.days,
    });
  });
}

/**
 * First start in embedded mode: creates and fills the demo ODS unless it was seeded before. Meant to run in the
 * background (a year of data takes minutes; the API must not wait for it); an extract that runs meanwhile finds no
 * ODS tables yet and is retried with backoff.
 */
export async function ensureDemoOds(portalUrl: string, logger: Logger): Promise<SeedResult | undefined> {
  const url = await ensureDatabase(portalUrl, DEMO_ODS_DATABASE);
  const result = await seedDemo(url, { ifMissing: true });
  if (result) logger.info({ database: DEMO_ODS_DATABASE, ...result }, 'demo ODS seeded (first start)');
  return result;
}
