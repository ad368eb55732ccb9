import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import IORedis, { Cluster, type Redis } from 'ioredis';
import { Client } from 'pg';
import { generateEspiFeed } from '../../bench/espi-parse-generate';
import { Role } from '../../src/auth/roles';
import { mintToken } from '../../src/auth/tokens';
import { loadConfig } from '../../src/config';
import { startEmbeddedPostgres, type PostgresServer } from '../../src/db/embedded-postgres';
import { INBOX_SCAN, PARTITION_MAINTENANCE } from '../../src/queue/job-data';
import { createLogger } from '../../src/logger';
import { feedXml } from '../import/feed';
import { waitFor } from '../support/wait-for';
import { freePort, startCli, type CliProcess } from '../support/cli-process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeWithRedisCluster, startRedisCluster, type RedisCluster } from '../support/redis-cluster';
import { redisServerAvailable, startRedisServer, type RedisServer } from '../support/redis-server';

// The queue backend going away under running processes: each case ends with the schedules running again, /readyz
// telling the truth meanwhile, and the portal holding exactly the file's readings.
const JWT_SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const RECOVERY_MS = 60_000;

/** A process on loopback with its inbox in `dir`, scanned every 2 s, and a key to mint an OPS token for /metrics. */
function portalEnv(dir: string, backend: Record<string, string>): Record<string, string> {
  return {
    ...backend,
    DATA_DIR: dir,
    INBOX_DIR: join(dir, 'inbox'),
    INBOX_SCAN_CRON: '*/2 * * * * *',
    JWT_SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
}

async function readyz(url: string): Promise<{ status: number; checks: Record<string, string> }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, checks: ((await response.json()) as { checks: Record<string, string> }).checks };
}

/** Written beside the inbox and renamed in, with an old mtime, so the next scan takes it at once. */
function deliver(inbox: string, name: string, write: (path: string) => void | Promise<void>) {
  const part = join(inbox, `${name}.part`);
  return Promise.resolve(write(part)).then(() => {
    const old = new Date(Date.now() - 60_000);
    utimesSync(part, old, old);
    renameSync(part, join(inbox, name));
  });
}

async function readingTotals(databaseUrl: string): Promise<{ n: number; distinct: number; sum: string }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n, count(DISTINCT (usage_point_id, start))::int AS distinct, coalesce(sum(value), 0)::text AS sum FROM interval_reading`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

/** Schedulers and their next iterations as the queue backend holds them now: one of each, whoever registered them. */
async function registeredSchedules(connection: Redis | Cluster, prefix: string) {
  const imports = new Queue('imports', { connection, prefix });
  const maintenance = new Queue('maintenance', { connection, prefix });
  try {
    return {
      imports: (await imports.getJobSchedulers()).map((s) => s.key),
      maintenance: (await maintenance.getJobSchedulers()).map((s) => s.key),
      maintenanceIterations: (await maintenance.getDelayed()).filter(
        (job) => job.repeatJobKey === PARTITION_MAINTENANCE,
      ).length,
    };
  } finally {
    await Promise.all([imports.close(), maintenance.close()]);
    connection.disconnect();
  }
}

/** A file delivered to the inbox is loaded by the scan, its readings exactly once. */
async function loadsAFileInto(databaseUrl: string, inbox: string, name: string, usagePoint: number) {
  const before = await readingTotals(databaseUrl);
  const count = 96;
  await deliver(inbox, name, (path) =>
    writeFileSync(
      path,
      feedXml({ usagePoints: [usagePoint], start: Date.UTC(2024, 0, 1) / 1000, count, value: (_, n) => n + 1 }),
    ),
  );
  await waitFor(`${name} loaded by the scan`, () => existsSync(join(inbox, 'loaded', name)), RECOVERY_MS);
  const totals = await readingTotals(databaseUrl);
  assert.equal(totals.n - before.n, count);
  assert.equal(totals.distinct, totals.n);
  assert.equal(BigInt(totals.sum) - BigInt(before.sum), BigInt((count * (count + 1)) / 2));
}

function started(cli: CliProcess): Promise<string> {
  return cli.firstJson().then((result) => {
    assert.equal(result.status, 'running', cli.stderr());
    return String(result.url ?? '');
  });
}

/** A serve and a worker, added to `processes`: two processes keep the schedules, so they race to register lost ones. */
async function startServeAndWorker(processes: CliProcess[], env: Record<string, string>): Promise<string> {
  processes.push(startCli(['serve', '--json'], env), startCli(['worker', '--json'], env));
  const [url] = await Promise.all(processes.map(started));
  return url;
}

async function killAll(processes: CliProcess[]): Promise<void> {
  for (const cli of processes) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  await Promise.all(processes.map((cli) => cli.exited()));
}

describe('Redis restarted without persistence under serve and worker processes', { timeout: 600_000 }, () => {
  if (!redisServerAvailable()) {
    it('is skipped: no redis-server on PATH', (t) =>
      t.skip('no redis-server on PATH: the Redis restart case needs one'));
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'fault-redis-'));
  const inbox = join(dir, 'inbox');
  const prefix = `fault-${randomBytes(3).toString('hex')}`;
  const processes: CliProcess[] = [];
  let redis: RedisServer;
  let redisPort: number;
  let db: TestDatabase;
  let env: Record<string, string>;
  let url: string;

  before(async () => {
    mkdirSync(inbox);
    redisPort = await freePort();
    redis = await startRedisServer(redisPort, dir);
    db = await createTestDatabase('faultredis');
    env = portalEnv(dir, { DATABASE_URL: db.url, REDIS_URL: redis.url, QUEUE_PREFIX: prefix });
    url = await startServeAndWorker(processes, env);
  });
  after(async () => {
    await killAll(processes);
    await redis?.kill();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const schedules = () => registeredSchedules(new IORedis(redis.url, { maxRetriesPerRequest: null }), prefix);
  const loadsAFile = (name: string, usagePoint: number) => loadsAFileInto(db.url, inbox, name, usagePoint);

  it('warns at start that this Redis has no persistence, and is ready with its schedulers', async () => {
    for (const cli of processes) assert.match(cli.stderr(), /Redis has no persistence/);
    assert.deepEqual(await readyz(url), { status: 200, checks: { database: 'ok', queue: 'ok', schedulers: 'ok' } });
    await loadsAFile('before.xml', 1);
  });

  it('a restart: /readyz is 503 while Redis is down, then the schedulers are back (one of each) and the scan loads files', async () => {
    await redis.kill();
    const down = await readyz(url);
    assert.equal(down.status, 503);
    assert.match(down.checks.queue, /^down: /);

    redis = await startRedisServer(redisPort, dir);
    await waitFor('/readyz 200 after the restart', async () => (await readyz(url)).status === 200, RECOVERY_MS);
    assert.deepEqual(await schedules(), {
      imports: [INBOX_SCAN],
      maintenance: [PARTITION_MAINTENANCE],
      maintenanceIterations: 1,
    });
    assert.ok(
      processes.some((cli) => /job schedulers were missing from the queue backend/.test(cli.stderr())),
      'a process says it registered the lost schedulers again',
    );
    await loadsAFile('after-restart.xml', 2);
  });

  it('schedulers lost without a reconnect (an eviction, a FLUSHALL): /readyz 503 naming them and the metric at 1, until the periodic check restores them', async () => {
    const config = loadConfig(env);
    const token = await mintToken(config, { role: Role.OPS, ttlSeconds: 600 });
    const missingMetric = async () => {
      const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
      return /usage_portal_job_schedulers_missing\{queue="imports",scheduler="inbox-scan"\} (\d)/.exec(text)?.[1];
    };
    assert.equal(await missingMetric(), '0');

    const client = new IORedis(redis.url);
    try {
      await client.flushall();
    } finally {
      client.disconnect();
    }
    const lost = await readyz(url);
    assert.equal(lost.status, 503);
    assert.equal(lost.checks.queue, 'ok');
    assert.match(lost.checks.schedulers, /^down: job schedulers missing: .*imports\/inbox-scan/);
    assert.match(lost.checks.schedulers, /maintenance\/partition-maintenance/);
    assert.equal(await missingMetric(), '1');

    await waitFor('/readyz 200 after the periodic check', async () => (await readyz(url)).status === 200, RECOVERY_MS);
    assert.equal(await missingMetric(), '0');
    assert.deepEqual(await schedules(), {
      imports: [INBOX_SCAN],
      maintenance: [PARTITION_MAINTENANCE],
      maintenanceIterations: 1,
    });
    await loadsAFile('after-flush.xml', 3);
  });
});

describeWithRedisCluster(
  'the Redis Cluster master of the queue restarted without persistence under serve and worker processes',
  { timeout: 600_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'fault-cluster-'));
    const processes: CliProcess[] = [];
    let cluster: RedisCluster | undefined;
    let db: TestDatabase | undefined;
    after(async () => {
      await killAll(processes);
      await cluster?.stop();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('/readyz is 503 while it is down, then the schedulers are back (one of each) and the scan loads files', async () => {
      const inbox = join(dir, 'inbox');
      mkdirSync(inbox);
      const prefix = `{fault-${randomBytes(3).toString('hex')}}`;
      const redis = (cluster = await startRedisCluster());
      db = await createTestDatabase('faultcluster');
      const env = portalEnv(dir, { DATABASE_URL: db.url, REDIS_CLUSTER_NODES: redis.nodes, QUEUE_PREFIX: prefix });
      const url = await startServeAndWorker(processes, env);
      assert.deepEqual(await readyz(url), { status: 200, checks: { database: 'ok', queue: 'ok', schedulers: 'ok' } });
      await loadsAFileInto(db.url, inbox, 'before.xml', 1);

      // The master that holds the prefix's slot holds every key of every queue: the others never see the queue.
      const master = await redis.masterOf(`${prefix}:imports`);
      await redis.kill(master);
      const down = await readyz(url);
      assert.equal(down.status, 503);
      assert.match(down.checks.queue, /^down: /);

      await redis.restart(master);
      await waitFor('/readyz 200 after the restart', async () => (await readyz(url)).status === 200, RECOVERY_MS);
      const connection = new Cluster(
        redis.ports.map((port) => ({ host: '127.0.0.1', port })),
        { redisOptions: { maxRetriesPerRequest: null } },
      );
      assert.deepEqual(await registeredSchedules(connection, prefix), {
        imports: [INBOX_SCAN],
        maintenance: [PARTITION_MAINTENANCE],
        maintenanceIterations: 1,
      });
      assert.ok(
        processes.some((cli) => /job schedulers were missing from the queue backend/.test(cli.stderr())),
        'a process says it registered the lost schedulers again',
      );
      await loadsAFileInto(db.url, inbox, 'after-restart.xml', 2);
      for (const cli of processes)
        assert.equal(cli.child.exitCode, null, `kept running; stderr:\n${cli.stderr().slice(-3000)}`);
    });
  },
);

describe(
  'PostgreSQL restarted under a serve process on the PostgreSQL queue backend, during an import',
  { timeout: 600_000 },
  () => {
    const READINGS = 150_000;
    const dir = mkdtempSync(join(tmpdir(), 'fault-pg-'));
    const inbox = join(dir, 'inbox');
    const logger = createLogger('silent');
    let pg: PostgresServer | undefined;
    let serve: CliProcess | undefined;
    after(async () => {
      if (serve?.child.exitCode === null) serve.child.kill('SIGKILL');
      await serve?.exited();
      await pg?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps running, reports the outage on /readyz, and completes the import once, equal to the file', async () => {
      mkdirSync(inbox);
      const options = { dataDir: join(dir, 'pg'), port: await freePort(), logger };
      pg = await startEmbeddedPostgres(options);
      const databaseUrl = pg.serverUrl;
      serve = startCli(['serve', '--json'], portalEnv(dir, { DATABASE_URL: databaseUrl }));
      const url = await started(serve);
      assert.equal((await readyz(url)).status, 200);

      const source = join(dir, 'feed.xml');
      await generateEspiFeed(source, READINGS, 1_500);
      const values = [...readFileSync(source, 'utf8').matchAll(/<value>(\d+)<\/value>/g)].map((m) => BigInt(m[1]));
      assert.equal(values.length, READINGS);
      await deliver(inbox, 'feed.xml', (path) => writeFileSync(path, readFileSync(source)));

      const jobOf = async (sql: string, params: unknown[] = []) => {
        const client = new Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows[0];
        } finally {
          await client.end();
        }
      };
      // Stopped while the readings are being written (the load's transaction is open): the worst moment.
      const { id } = await waitFor('the load to reach the readings upsert', async () => {
        const row = await jobOf(
          `SELECT j.id FROM bullmq.job j, pg_stat_activity a
          WHERE j.queue = 'imports' AND j.name = 'import-file' AND j.state = 'active' AND a.state = 'active' AND a.pid <> pg_backend_pid()
            AND (a.query LIKE 'COPY interval_reading %' OR a.query LIKE '%INSERT INTO interval_reading%')`,
        );
        return row;
      });

      await pg.stop();
      const down = await readyz(url);
      assert.equal(down.status, 503);
      assert.match(down.checks.database, /^down: /);
      pg = await startEmbeddedPostgres(options);

      await waitFor('/readyz 200 after the restart', async () => (await readyz(url)).status === 200, RECOVERY_MS);
      await waitFor('the file loaded', () => existsSync(join(inbox, 'loaded', 'feed.xml')));
      assert.equal(serve.child.exitCode, null, `serve kept running; stderr:\n${serve.stderr().slice(-3000)}`);
      // The restart hit the load: that attempt ended, and another one (or the next scan's job) loaded the file.
      const interrupted = await jobOf(
        `SELECT state, attempts_started, stalled_count FROM bullmq.job WHERE queue = 'imports' AND id = $1`,
        [id],
      );
      assert.ok(interrupted.state === 'failed' || interrupted.attempts_started > 1, JSON.stringify(interrupted));
      const totals = await readingTotals(databaseUrl);
      assert.deepEqual(totals, { n: READINGS, distinct: READINGS, sum: values.reduce((a, b) => a + b, 0n).toString() });
    });
  },
);
