import { openPortalDatabase } from '../db/database';
import { assertMigrated } from '../db/migrate';
import { loadTariffFiles } from '../services/tariffs/tariff-files';
import type { CommandContext } from './commands';
import { UsageError } from './usage-error';

/** `tariffs <path>...`: loads URDB tariff files (or directories of them) now; exit 2 when any file was refused. */
export async function tariffsCommand({ config, logger, out, positionals }: CommandContext): Promise<void> {
  const paths = positionals.length ? positionals : [config.tariffPath];
  const database = await openPortalDatabase(config, logger, { applicationName: 'usage-portal-tariffs' });
  let outcomes;
  try {
    await assertMigrated(database.dataSource);
    outcomes = await loadTariffFiles(database.dataSource, paths).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new UsageError(`no such file or directory: ${error.path}`) : error;
    });
  } finally {
    await database.close();
  }
  const lines = outcomes.map((o) =>
    o.error ? `refused ${o.error}` : `loaded ${o.file}: ${o.versions.map((v) => `${v.code} (${v.label})`).join(', ')}`,
  );
  if (outcomes.some((o) => o.error)) out.fail({ message: lines.join('\n'), code: 'TARIFF_REFUSED' }, 2);
  out.result({ files: outcomes }, lines.join('\n'));
}
