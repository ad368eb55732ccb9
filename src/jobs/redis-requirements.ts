import type { Redis } from 'ioredis';

/** What docs/operations.md ("Redis") asks of Redis, as far as this server tells: undefined where it refuses to say (a managed Redis). */
interface RedisSettings {
  appendOnly?: boolean;
  /** RDB snapshots configured (`save` not empty). */
  snapshots?: boolean;
  evictionPolicy?: string;
}

async function configGet(client: Redis, name: string): Promise<string | undefined> {
  try {
    const reply = (await client.call('CONFIG', 'GET', name)) as string[];
    return reply[1];
  } catch {
    return undefined; // CONFIG renamed or forbidden
  }
}

async function infoField(client: Redis, section: string, field: string): Promise<string | undefined> {
  try {
    return new RegExp(`^${field}:(.*)$`, 'm').exec(await client.info(section))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

async function readSettings(client: Redis): Promise<RedisSettings> {
  const appendOnly =
    (await configGet(client, 'appendonly')) ??
    ((await infoField(client, 'persistence', 'aof_enabled')) === '1' ? 'yes' : undefined);
  const save = await configGet(client, 'save');
  return {
    appendOnly: appendOnly === undefined ? undefined : appendOnly === 'yes',
    snapshots: save === undefined ? undefined : save.trim() !== '',
    evictionPolicy:
      (await configGet(client, 'maxmemory-policy')) ?? (await infoField(client, 'memory', 'maxmemory_policy')),
  };
}

/**
 * Why this Redis may lose the queue's state, one sentence each; empty when it is configured as docs/operations.md asks.
 * The schedules come back by themselves after a loss, queued and running jobs do not (the inbox scan finds their files
 * again, a /cim push's job is gone).
 */
export async function redisRequirementProblems(client: Redis): Promise<string[]> {
  const { appendOnly, snapshots, evictionPolicy } = await readSettings(client);
  const problems: string[] = [];
  if (appendOnly === false && snapshots === false) {
    problems.push(
      'Redis has no persistence (appendonly no, save ""): a Redis restart loses every queued job; set appendonly yes (or RDB snapshots with save)',
    );
  } else if (!appendOnly && snapshots === undefined) {
    problems.push(
      'Redis persistence could not be confirmed (CONFIG GET refused, AOF not reported on): make sure AOF or RDB snapshots are on',
    );
  }
  if (evictionPolicy === undefined) {
    problems.push('Redis maxmemory-policy could not be read: make sure it is noeviction');
  } else if (evictionPolicy !== 'noeviction') {
    problems.push(
      `Redis maxmemory-policy is ${evictionPolicy}: under memory pressure it evicts queue keys (jobs, locks, schedulers); set noeviction`,
    );
  }
  return problems;
}
