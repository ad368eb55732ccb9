import type { Config } from '../config';
import { isRole, ROLES, Role } from '../auth/roles';
import { mintToken } from '../auth/tokens';
import { openPortalDatabase } from '../db/database';
import { runMigrations } from '../db/migrate';
import { createQueueBackend } from '../jobs/backend';
import type { Logger } from '../logger';
import { startSystem, type ProcessRole } from '../main';
import { parseDuration } from './duration';
import type { Output } from './output';
import { UsageError } from './usage-error';

export interface CommandContext {
  config: Config;
  logger: Logger;
  out: Output;
  options: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

const REPEATED_SIGNAL_GRACE_MS = 2000;

export async function runServer(role: ProcessRole, { config, logger, out }: CommandContext): Promise<void> {
  const system = await startSystem(role, config, logger);
  out.result(
    { status: 'running', role, url: system.http?.url ?? null, queueBackend: system.backend.kind, pid: process.pid },
    system.http
      ? `usage-portal ${role}: ${system.http.url}/graphql (queues on ${system.backend.kind})`
      : `usage-portal ${role} running (queues on ${system.backend.kind})`,
  );
  let firstSignalAt: number | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      // A terminal's Ctrl-C reaches us both directly and forwarded by npm; only a later signal means "hurry up".
      if (Date.now() - firstSignalAt < REPEATED_SIGNAL_GRACE_MS) return;
      logger.warn({ signal }, 'second signal: exiting without waiting for running work');
      system.database.embedded?.signalStop();
      process.exit(1);
    }
    firstSignalAt = Date.now();
    logger.info({ signal }, 'shutting down');
    system.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

export async function migrate({ config, logger, out }: CommandContext): Promise<void> {
  const database = await openPortalDatabase(config, logger, { applicationName: 'usage-portal-migrate' });
  try {
    const applied = await runMigrations(database.dataSource, logger);
    const backend = createQueueBackend(config, database.url);
    await backend.prepare();
    await backend.close();
    out.result(
      { applied },
      applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database is up to date',
    );
  } finally {
    await database.close();
  }
}

export async function token({ config, out, options }: CommandContext): Promise<void> {
  const role = String(options.role ?? '').toUpperCase();
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const customerId = typeof options.customer === 'string' ? options.customer : undefined;
  if (role === Role.CUSTOMER && !customerId)
    throw new UsageError('--customer <GraphQL id> is required with --role CUSTOMER');
  const ttlSeconds = parseDuration(typeof options.ttl === 'string' ? options.ttl : '1h');
  if (ttlSeconds > config.jwt.maxTtlSeconds) {
    throw new UsageError(
      `--ttl ${String(options.ttl)} is longer than JWT_MAX_TTL (${config.jwt.maxTtlSeconds} s): the API would refuse the token`,
    );
  }
  const subject = typeof options.subject === 'string' ? options.subject : undefined;
  const jwt = await mintToken(config, { role, customerId, subject, ttlSeconds });
  out.result({ token: jwt }, jwt);
}
