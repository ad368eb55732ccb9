import { openMigratedDatabase } from '../db/database';
import { createQueueBackend } from '../jobs/backend';
import { extractNow } from '../jobs/extract-now';
import { closeQueues, openQueues } from '../jobs/queues';
import { createPortalMetrics } from '../metrics/portal-metrics';
import { ensureDemoOds, odsUrlFor } from '../ods/database';
import type { CommandContext } from './commands';
import { progressBar } from './import-progress';
import { UsageError } from './usage-error';

/** `extract [--since ISO]`: one whole ODS extract run, its shards worked by this process (and any running workers), now. */
export async function extractCommand({ config, logger, out, options }: CommandContext): Promise<void> {
  let since: Date | undefined;
  if (options.since !== undefined) {
    since = new Date(String(options.since));
    if (typeof options.since !== 'string' || Number.isNaN(since.getTime()))
      throw new UsageError('--since must be an ISO 8601 date or date-time');
  }
  const database = await openMigratedDatabase(config, logger, { applicationName: 'usage-portal-extract' });
  try {
    if (!odsUrlFor(config, database.url))
      throw new UsageError('no ODS to extract from: set ODS_DATABASE_URL (DATABASE_URL names an external server)');
    if (!config.odsDatabaseUrl) await ensureDemoOds(database.url, logger);
    const backend = createQueueBackend(config, database.url);
    await backend.prepare();
    const queues = openQueues(backend);
    const bar = progressBar();
    try {
      const result = await extractNow(
        { dataSource: database.dataSource, config, logger, queues, backend },
        createPortalMetrics(),
        {
          since,
          onProgress: (p) =>
            bar.draw(
              p.readingsTotal > 0 ? p.readings / p.readingsTotal : 0,
              `${p.readings.toLocaleString('en-US')}/${p.readingsTotal.toLocaleString('en-US')} readings, ${p.shardsLoaded}/${p.shards} shards, ${p.files} files ${p.phase}`,
            ),
        },
      ).finally(() => bar.done());
      const sum = (key: 'readings' | 'inserted' | 'updated' | 'unchanged') =>
        result.files.reduce((n, f) => n + f[key], 0);
      out.result(
        { ...result },
        `extracted ${result.files.length} file(s) in ${result.shards} shard(s): ${sum('readings')} readings, ${sum('inserted')} inserted, ${sum('updated')} updated, ` +
          `${sum('unchanged')} unchanged; watermark ${result.watermark.from} → ${result.watermark.to}`,
      );
    } finally {
      await closeQueues(queues);
      await backend.close();
    }
  } finally {
    await database.close();
  }
}
