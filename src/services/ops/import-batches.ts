import type { DataSource } from 'typeorm';
import type { ImportSource, ImportStatus } from '../../entities';
import type { QueueName } from '../../queue/queues';
import { keyset, toPage, type Page, type PageRequest } from '../pagination';
import { IMPORT_BATCH_COLUMNS, type ImportBatchRecord, type ImportBatchRow } from './records';

export interface ImportBatchFilter {
  status?: ImportStatus | null;
  source?: ImportSource | null;
  /** Batches created at or after `from` and before `to`. */
  from?: Date | null;
  to?: Date | null;
}

// import_batch holds file names, counts and diagnostics, no customer data: it can be shown to OPS as it is.
const asRecord = (row: ImportBatchRow): ImportBatchRecord => ({
  ...row,
  warnings: row.warnings.map(String),
  errors: row.errors.map(String),
});

/** Newest first (by id), keyset-paginated; the count has the same filters. */
export async function importBatchPage(
  db: DataSource,
  request: PageRequest & ImportBatchFilter,
): Promise<Page<ImportBatchRecord>> {
  const page = keyset(request);
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (request.status) add('status = ?', request.status);
  if (request.source) add('source = ?', request.source);
  if (request.from) add('created_at >= ?', request.from);
  if (request.to) add('created_at < ?', request.to);
  const filterSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const filterParams = [...params];
  const count = async () => {
    const [{ count }] = (await db.query(
      `SELECT count(*)::int AS count FROM import_batch ${filterSql}`,
      filterParams,
    )) as { count: number }[];
    return count;
  };
  // The list is newest first: "after" a cursor means older, and a page backward reads the newer ones, oldest first.
  if (page.afterKey) add('id < ?::bigint', page.afterKey);
  if (page.beforeKey) add('id > ?::bigint', page.beforeKey);
  params.push(page.limit + 1);
  const rows = (await db.query(
    `SELECT ${IMPORT_BATCH_COLUMNS} FROM import_batch ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${page.backward ? 'ASC' : 'DESC'} LIMIT $${params.length}`,
    params,
  )) as ImportBatchRow[];
  return toPage(rows.map(asRecord), page, (row) => row.id, count);
}

export async function importBatch(db: DataSource, id: string): Promise<ImportBatchRecord | null> {
  const rows = (await db.query(`SELECT ${IMPORT_BATCH_COLUMNS} FROM import_batch WHERE id = $1`, [
    id,
  ])) as ImportBatchRow[];
  return rows[0] ? asRecord(rows[0]) : null;
}

// Job ids are per queue: the extract's loads record the ods-extract job (source 'ods'), the others an imports job.
export const queueOfBatch = (source: ImportSource): QueueName => (source === 'ods' ? 'ods-extract' : 'imports');

const BATCHES_PER_JOB = 100;

/** Key of a job across queues, for the batches loader. */
export const jobKey = (queue: QueueName, jobId: string) => `${queue}|${jobId}`;

/**
 * The batches of many jobs in one statement (one batch for an import, one per file for an extract), newest first,
 * each row keyed by `jobKey` of its job.
 */
export async function importBatchesOfJobs(
  db: DataSource,
  keys: string[],
): Promise<(ImportBatchRecord & { parentKey: string })[]> {
  const jobIds = keys.map((key) => key.slice(key.indexOf('|') + 1));
  const rows = (await db.query(
    `SELECT * FROM (
       SELECT ${IMPORT_BATCH_COLUMNS}, (CASE WHEN source = 'ods' THEN 'ods-extract' ELSE 'imports' END) || '|' || job_id AS "parentKey",
              row_number() OVER (PARTITION BY source = 'ods', job_id ORDER BY id DESC) AS rn
         FROM import_batch WHERE job_id = ANY($1::text[])
     ) b WHERE rn <= ${BATCHES_PER_JOB} AND "parentKey" = ANY($2::text[]) ORDER BY id::bigint DESC`,
    [jobIds, keys],
  )) as (ImportBatchRow & { parentKey: string; rn?: unknown })[];
  return rows.map(({ rn: _rank, ...row }) => ({ ...asRecord(row), parentKey: row.parentKey }));
}
