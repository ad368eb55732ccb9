import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { withConnection } from '../../db/pool';
import type { Logger } from '../../logger';
import { planExtract } from '../../ods/extract-plan';
import {
  abandonRunsWithoutShards,
  createRun,
  shardsNotLoaded,
  takeOver,
  unfinishedRun,
  type RunRow,
  type ShardRow,
} from './runs';
import { readWatermark } from './watermark';

export interface ClaimOptions {
  odsUrl: string;
  since?: Date;
  shards?: number;
  logger: Logger;
  /** The id the run's owner (the flow's parent job) gets in a round. */
  ownerId: (runId: string, round: number) => string;
  /** Whether the owner job is still to finish the run (waiting, running, or waiting for its children). */
  ownerAlive: (jobId: string) => Promise<boolean>;
}

export type Claim =
  | { kind: 'busy'; run: RunRow }
  | { kind: 'nothing-changed'; watermark: string }
  | { kind: 'run'; run: RunRow; resumed: boolean; shards: ShardRow[] };

const EXTRACT_LOCK = 'usage-portal ods extract';

/**
 * Decides what the next round of work is, one caller at a time: an unfinished run whose owner is gone (killed,
 * failed) is taken up again with its shards not loaded; one whose owner still works makes this a no-op; otherwise a
 * new run is planned from the watermark. A run is only ever planned when no other is unfinished, so runs never
 * overlap and the watermark moves in order.
 */
export async function claimRun(dataSource: DataSource, options: ClaimOptions): Promise<Claim> {
  // A session lock, on a connection held for the claim.
  return withConnection(dataSource, async ({ client }) => {
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [EXTRACT_LOCK]);
      return await claimLocked(dataSource, options);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [EXTRACT_LOCK]).catch(() => undefined);
    }
  });
}

async function claimLocked(dataSource: DataSource, options: ClaimOptions): Promise<Claim> {
  await abandonRunsWithoutShards(dataSource);
  const open = await unfinishedRun(dataSource);
  if (open) {
    if (open.jobId && (await options.ownerAlive(open.jobId))) return { kind: 'busy', run: open };
    const run = await takeOver(dataSource, open.id, options.ownerId(open.id, open.round + 1), open.round + 1);
    options.logger.warn(
      { run: run.id, round: run.round, previousOwner: open.jobId, reason: open.reason },
      'ODS extract: taking up an unfinished run',
    );
    return { kind: 'run', run, resumed: true, shards: await shardsNotLoaded(dataSource, run.id) };
  }
  const after = await readWatermark(dataSource);
  const ods = new Client({ connectionString: options.odsUrl, application_name: 'usage-portal-extract' });
  ods.on('error', () => undefined);
  await ods.connect();
  const plan = await planExtract(ods, { after, since: options.since, shards: options.shards }).finally(() =>
    ods.end().catch(() => undefined),
  );
  if (!plan) {
    options.logger.info({ watermark: after }, 'ODS extract: nothing changed');
    return { kind: 'nothing-changed', watermark: after };
  }
  const run = await createRun(dataSource, plan, options.ownerId(plan.id, 1));
  options.logger.info(
    { run: run.id, shards: plan.shards.length, readings: plan.readings, watermark: plan.range },
    'ODS extract: run planned',
  );
  return { kind: 'run', run, resumed: false, shards: await shardsNotLoaded(dataSource, run.id) };
}
