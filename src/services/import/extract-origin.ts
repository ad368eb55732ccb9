import type { PoolClient } from 'pg';

// Older data never overwrites newer: a file an ODS extract run produced is known by its checksum (extract_delivery),
// whatever path brings it to the loader (the run itself, the inbox scan, an upload, a retry). Each load of such a file
// raises its usage points' extract_seq to the run's change_seq in the load's own transaction, under the usage point
// locks the link takes; a file of a run whose range ends below what is loaded is refused, and so is a file of an
// abandoned run (it died before its watermark moved, so a later run extracts its whole range again: the file can
// only be as new as that run's, or older).

/** The extract run a file comes from: its files hold the ODS as of change_seq `seqTo`. */
export interface ExtractOrigin {
  runId: string;
  source: string;
  seqTo: string;
  status: string;
}

export async function extractOriginOf(client: PoolClient, checksum: string): Promise<ExtractOrigin | undefined> {
  const { rows } = await client.query<ExtractOrigin>(
    `SELECT r.id AS "runId", r.source, r.seq_to::text AS "seqTo", r.status
       FROM extract_delivery d JOIN extract_run r ON r.id = d.run_id WHERE d.sha256 = $1`,
    [checksum],
  );
  return rows[0];
}

/**
 * Why the file may not be loaded over what is there, if it may not: the source's watermark (a later run loaded
 * everything up to it) or one of the file's usage points holds data of a later change_seq than the file's run.
 */
export async function supersededBy(
  client: PoolClient,
  origin: ExtractOrigin,
  usagePointIds: string[],
): Promise<string | undefined> {
  const { rows } = await client.query<{ watermark: string | null; loaded: string | null }>(
    `SELECT (SELECT change_seq::text FROM extract_watermark WHERE source = $1) AS watermark,
            (SELECT max(extract_seq)::text FROM usage_point WHERE id = ANY($2::bigint[])) AS loaded`,
    [origin.source, usagePointIds],
  );
  const { watermark, loaded } = rows[0];
  const beyond = (seq: string | null) => seq !== null && BigInt(seq) > BigInt(origin.seqTo);
  const by = beyond(loaded)
    ? `its usage points hold data up to change_seq ${loaded}`
    : beyond(watermark)
      ? `the ${origin.source} watermark is at change_seq ${watermark}`
      : origin.status === 'abandoned'
        ? 'that run was abandoned (a later run extracts its range again)'
        : undefined;
  return (
    by &&
    `superseded: the file comes from extract run ${origin.runId} (change_seq up to ${origin.seqTo}) and ${by}; loading it would revert newer data`
  );
}

/** Inside the load's transaction: the usage points now hold this run's data (never lowered). */
export async function recordExtractSeq(
  client: PoolClient,
  origin: ExtractOrigin,
  usagePointIds: string[],
): Promise<void> {
  await client.query(
    `UPDATE usage_point SET extract_seq = greatest(extract_seq, $2::bigint) WHERE id = ANY($1::bigint[])`,
    [usagePointIds, origin.seqTo],
  );
}
