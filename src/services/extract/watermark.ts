import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

export const ODS_SOURCE = 'ods';

export async function readWatermark(dataSource: DataSource, source = ODS_SOURCE): Promise<string> {
  const rows = (await dataSource.query('SELECT change_seq::text AS seq FROM extract_watermark WHERE source = $1', [
    source,
  ])) as { seq: string }[];
  return rows[0]?.seq ?? '0';
}

/**
 * In the caller's transaction (the run's finish). Never moves back: a `--since` re-extract of an older range must not
 * make the next run repeat everything after it.
 */
export async function advanceWatermark(client: PoolClient, changeSeq: string, source = ODS_SOURCE): Promise<string> {
  const { rows } = await client.query<{ seq: string }>(
    `INSERT INTO extract_watermark AS w (source, change_seq) VALUES ($1, $2)
     ON CONFLICT (source) DO UPDATE SET change_seq = greatest(w.change_seq, EXCLUDED.change_seq), updated_at = now()
     RETURNING change_seq::text AS seq`,
    [source, changeSeq],
  );
  return rows[0].seq;
}
