import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Queues } from '../queue/queues';
import { ODS_SOURCE } from '../services/extract/watermark';

// Read from the database and the queue at scrape time, not counted in the process that loads: with `api` and `worker`
// processes apart, the loads run where nothing is scraped. import_batch keeps every load (its rows are never deleted),
// so sums over loaded batches only grow, as counters must.

interface SourceSums {
  source: string;
  readings: string;
  rejected: string;
}

async function loadedSums(db: DataSource): Promise<SourceSums[]> {
  return (await db.query(
    `SELECT source, sum(readings)::text AS readings, sum(rejected)::text AS rejected FROM import_batch WHERE status = 'loaded' GROUP BY source`,
  )) as SourceSums[];
}

// How many of the newest completed extract jobs are looked at for one that did run (not skipped for want of an ODS).
const EXTRACT_SCAN = 20;

async function lastExtractSuccess(db: DataSource, queues: Queues): Promise<number | undefined> {
  const [{ at }] = (await db.query(
    `SELECT extract(epoch FROM max(updated_at)) AS at FROM extract_watermark WHERE source = $1`,
    [ODS_SOURCE],
  )) as { at: string | null }[];
  // The watermark only moves when something changed; a completed job also counts an extract that found nothing new.
  const jobs = await queues['ods-extract'].getJobs(['completed'], 0, EXTRACT_SCAN - 1);
  const ran = jobs
    .filter((job) => job?.finishedOn && !(job.returnvalue as { skipped?: unknown } | null)?.skipped)
    .map((job) => (job.finishedOn as number) / 1000);
  const candidates = [...ran, ...(at === null ? [] : [Number(at)])];
  return candidates.length ? Math.max(...candidates) : undefined;
}

export function registerImportCollectors(registry: Registry, queues: Queues, dataSource: DataSource): void {
  const counterOf = (name: string, help: string, pick: (row: SourceSums) => string) =>
    new Counter({
      name,
      help,
      labelNames: ['source'],
      registers: [registry],
      async collect() {
        const rows = await loadedSums(dataSource);
        this.reset();
        for (const row of rows) this.inc({ source: row.source }, Number(pick(row)));
      },
    });
  counterOf(
    'usage_portal_readings_loaded_total',
    'Interval readings accepted by committed loads, by import source.',
    (row) => row.readings,
  );
  counterOf(
    'usage_portal_readings_rejected_total',
    'Interval readings refused inside committed loads (no value, a local time that does not exist), by import source. Whole rejected files are in usage_portal_import_batches.',
    (row) => row.rejected,
  );
  new Gauge({
    name: 'usage_portal_import_batches',
    help: 'Import batches (one per file load) by source and status; a failed batch becomes running again when its job retries.',
    labelNames: ['source', 'status'],
    registers: [registry],
    async collect() {
      const rows = (await dataSource.query(
        `SELECT source, status, count(*)::int AS n FROM import_batch GROUP BY source, status`,
      )) as { source: string; status: string; n: number }[];
      this.reset();
      for (const row of rows) this.set({ source: row.source, status: row.status }, row.n);
    },
  });
  new Gauge({
    name: 'usage_portal_last_extract_success_timestamp_seconds',
    help: 'When the ODS extract-and-load last succeeded (Unix time); 0 before the first success.',
    registers: [registry],
    async collect() {
      this.set((await lastExtractSuccess(dataSource, queues)) ?? 0);
    },
  });
}
