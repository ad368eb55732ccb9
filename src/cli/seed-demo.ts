import { ensureDatabase, openPortalDatabase } from '../db/database';
import { DEMO_ODS_DATABASE, isDemoOds, seedDemo } from '../ods/database';
import type { SeedResult } from '../ods/generator';
import type { CommandContext } from './commands';
import { UsageError } from './usage-error';

function positiveInteger(options: CommandContext['options'], name: string, max: number): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return Number(raw);
}

/** `seed-demo [--customers N] [--days D]`: (re)generates the demo ODS (the embedded one, or ODS_DATABASE_URL's). */
export async function seedDemoCommand({ config, logger, out, options }: CommandContext): Promise<void> {
  const customers = positiveInteger(options, 'customers', 100_000);
  const days = positiveInteger(options, 'days', 3660);
  if (!config.odsDatabaseUrl && config.databaseUrl)
    throw new UsageError('seed-demo needs ODS_DATABASE_URL when DATABASE_URL names an external server');
  // In embedded mode the demo ODS lives in the portal's embedded server, which must run while seeding.
  const portal = isDemoOds(config)
    ? await openPortalDatabase(config, logger, { applicationName: 'usage-portal-seed-demo' })
    : undefined;
  try {
    const url = portal ? await ensureDatabase(portal.url, DEMO_ODS_DATABASE) : (config.odsDatabaseUrl as string);
    process.stderr.write('usage-portal: generating the demo ODS…\n');
    const result = (await seedDemo(url, { customers, days })) as SeedResult;
    out.result(
      { ...result },
      `demo ODS: ${result.customers} customers, ${result.usagePoints} usage points, ${result.channels} channels, ${result.reads} reads ` +
        `(${result.estimated} estimated, ${result.corrected} corrected, ${result.gaps} missing) from ${result.from} to ${result.to} in ${(result.ms / 1000).toFixed(1)} s`,
    );
  } finally {
    await portal?.close();
  }
}
