import type { ClientBase } from 'pg';
import {
  changedChannels,
  customersInScope,
  highestChange,
  usagePointsInScope,
  type ChangeRange,
} from './extract-queries';

/** A shard's readings target when the shard count is left to the plan: a few seconds of one worker's time. */
export const SHARD_READINGS = 500_000;
export const MAX_SHARDS = 1_000;
// A customer's own rows cost about as much to write and load as this many readings, so that customers whose usage did
// not change still spread over the shards.
const CUSTOMER_WEIGHT = 200;

/** What one child of the run extracts and loads: whole customers, with every usage point and channel in scope. */
export interface ShardPlan {
  index: number;
  customerIds: string[];
  usagePointIds: string[];
  channelIds: string[];
  readings: number;
}

export interface ExtractPlan {
  /** The run's id, also the prefix of its files' names. */
  id: string;
  createdAt: Date;
  range: ChangeRange;
  shards: ShardPlan[];
  readings: number;
}

export interface PlanOptions {
  /** The portal's watermark: what changed after it is extracted. */
  after: string;
  since?: Date;
  /** How many shards; by default one per SHARD_READINGS readings. */
  shards?: number;
}

/**
 * Decides, from one consistent snapshot of the ODS, what the run covers: the change_seq range (after, upTo], and which
 * customers, usage points and channels each shard writes, balanced by readings. Shards hold whole customers, so a
 * shard can load a customer's feed right after the usage feeds it links. Undefined when nothing changed.
 */
export async function planExtract(ods: ClientBase, options: PlanOptions): Promise<ExtractPlan | undefined> {
  await ods.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const range: ChangeRange = { after: options.after, upTo: await highestChange(ods), since: options.since };
    const channels = await changedChannels(ods, range);
    const usagePoints = await usagePointsInScope(ods, range, [...new Set(channels.map((c) => c.usage_point_id))]);
    const customers = await customersInScope(ods, range, [...new Set(usagePoints.map((u) => u.customer_id))]);
    await ods.query('COMMIT');
    if (usagePoints.length === 0 && customers.length === 0) return undefined;

    const byCustomer = new Map<string, { usagePointIds: string[]; channelIds: string[]; readings: number }>(
      customers.map((c) => [c, { usagePointIds: [], channelIds: [], readings: 0 }]),
    );
    const customerOf = new Map(usagePoints.map((u) => [u.usage_point_id, u.customer_id]));
    for (const u of usagePoints) byCustomer.get(u.customer_id)?.usagePointIds.push(u.usage_point_id);
    for (const c of channels) {
      const owner = byCustomer.get(customerOf.get(c.usage_point_id) as string);
      if (!owner) continue;
      owner.channelIds.push(c.channel_id);
      owner.readings += c.readings;
    }
    const readings = [...byCustomer.values()].reduce((n, c) => n + c.readings, 0);
    const createdAt = new Date();
    return {
      id: `ods-${createdAt.toISOString().replace(/[-:.]/g, '')}-${range.after}-${range.upTo}`,
      createdAt,
      range,
      shards: splitIntoShards(byCustomer, options.shards ?? defaultShardCount(readings, customers.length)),
      readings,
    };
  } catch (error) {
    await ods.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export function defaultShardCount(readings: number, customers: number): number {
  return Math.max(
    1,
    Math.min(MAX_SHARDS, customers, Math.ceil((readings + customers * CUSTOMER_WEIGHT) / SHARD_READINGS)),
  );
}

/** Contiguous runs of customers (in id order) of about equal weight; never an empty shard. */
function splitIntoShards(
  byCustomer: Map<string, { usagePointIds: string[]; channelIds: string[]; readings: number }>,
  count: number,
): ShardPlan[] {
  const entries = [...byCustomer.entries()];
  const weightOf = (c: { readings: number }) => c.readings + CUSTOMER_WEIGHT;
  const total = entries.reduce((n, [, c]) => n + weightOf(c), 0);
  const shards: ShardPlan[] = [];
  let current: ShardPlan | undefined;
  let done = 0;
  for (const [customerId, c] of entries) {
    if (!current) {
      current = { index: shards.length, customerIds: [], usagePointIds: [], channelIds: [], readings: 0 };
      shards.push(current);
    }
    current.customerIds.push(customerId);
    current.usagePointIds.push(...c.usagePointIds);
    current.channelIds.push(...c.channelIds);
    current.readings += c.readings;
    done += weightOf(c);
    // Close the shard once it reaches its share of the total; the last one takes what is left.
    if (shards.length < count && done >= (total * shards.length) / count) current = undefined;
  }
  return shards;
}
