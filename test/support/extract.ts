import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config';
import { createQueueBackend } from '../../src/jobs/backend';
import { extractNow, type ExtractNowResult } from '../../src/jobs/extract-now';
import { closeQueues, openQueues } from '../../src/jobs/queues';
import type { Logger } from '../../src/logger';
import { createPortalMetrics } from '../../src/metrics/portal-metrics';

export interface ExtractSetting {
  odsUrl: string;
  outboxDir: string;
  inboxDir: string;
  logger: Logger;
  /** More settings (EXTRACT_SHARDS, REDIS_URL, ...). */
  env?: Record<string, string>;
}

/** One whole extract run as `usage-portal extract` does it: this process works the run's flow on its own queue. */
export async function runExtract(dataSource: DataSource, setting: ExtractSetting): Promise<ExtractNowResult> {
  const databaseUrl = (dataSource.options as { url: string }).url;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    ODS_DATABASE_URL: setting.odsUrl,
    OUTBOX_DIR: setting.outboxDir,
    INBOX_DIR: setting.inboxDir,
    QUEUE_PREFIX: `extract-${randomBytes(4).toString('hex')}`,
    ...setting.env,
  });
  const backend = createQueueBackend(config, databaseUrl);
  await backend.prepare();
  const queues = openQueues(backend);
  try {
    return await extractNow({ dataSource, config, logger: setting.logger, queues, backend }, createPortalMetrics(), {});
  } finally {
    await closeQueues(queues);
    await backend.close();
  }
}
