import { openPortalDatabase } from '../db/database';
import { assertMigrated, runMigrations } from '../db/migrate';
import { ensureDemoOds, odsUrlFor } from '../ods/database';
import { DirectoryDelivery } from '../ods/delivery';
import { extractAndLoad } from '../services/extract/extract-and-load';
import type { CommandContext } from './commands';
import { progressBar } from './import-progress';
import { UsageError } from './usage-error';

/** `extract [--since ISO]`: the ODS extract, delivery and load, now, waiting for the result. */
export async function extractCommand({ config, logger, out, options }: CommandContext): Promise<void> {
  let since: Date | undefined;
  if (options.since !== undefined) {
    since = new Date(String(options.since));
    if (typeof options.since !== 'string' || Number.isNaN(since.getTime())) throw new UsageError('--since must be an ISO 8601 date or date-time');
  }
  const database = await openPortalDatabase(config, logger, { applicationName: 'usage-portal-extract' });
  try {
    if (config.migrateOnStart) await runMigrations(database.dataSource, logger);
    else await assertMigrated(database.dataSource);
    const odsUrl = odsUrlFor(config, database.url);
    if (!odsUrl) throw new UsageError('no ODS to extract from: set ODS_DATABASE_URL (DATABASE_URL names an external server)');
    if (!config.odsDatabaseUrl) await ensureDemoOds(database.url, logger);
    const bar = progressBar();
    const result = await extractAndLoad(database.dataSource, {
      odsUrl,
      outboxDir: config.outboxDir,
      delivery: new DirectoryDelivery(config.inboxDir),
      since,
      logger,
      // The bar follows the file being loaded, named with its place in the extract.
      onProgress: (p) => p.load && bar.update(`${p.files + 1}/${p.filesTotal} ${p.file}`, p.load),
    }).finally(() => bar.done());
    const sum = (key: 'readings' | 'inserted' | 'updated' | 'unchanged') => result.files.reduce((n, f) => n + f[key], 0);
    out.result(
      { ...result },
      `extracted ${result.files.length} file(s): ${sum('readings')} readings, ${sum('inserted')} inserted, ${sum('updated')} updated, ` +
        `${sum('unchanged')} unchanged; watermark ${result.watermark.from} → ${result.watermark.to}`,
    );
  } finally {
    await database.close();
  }
}
