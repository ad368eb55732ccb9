// End-to-end latency from a load's commit to the client that learns of it: a graphql-ws subscription (`usageUpdated`)
// against the baseline, a client polling `usage` every 250 ms, both on the same loads in the same invocation.
//
//   node dist/bench/subscription-latency.js [--loads 60] [--poll-ms 250]
//
// `usage-portal api` runs as a child process; each load is `usage-portal import` in its own process (as a worker is),
// so the API hears of it only through PostgreSQL's NOTIFY, and the bench's own event loop stays free to timestamp.
// The start of each latency is the change's `committed_at` (written by the load's last statement before COMMIT).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from 'graphql-ws';
import { Client } from 'pg';
import pino from 'pino';
import WebSocket from 'ws';
import { Role } from '../src/auth/roles';
import { mintToken } from '../src/auth/tokens';
import { createDataSource } from '../src/db/data-source';
import { runMigrations } from '../src/db/migrate';
import { toGlobalId } from '../src/services/access/global-id';
import { USAGE_CHANGE_CHANNEL } from '../src/services/events/usage-changes';
import { JWT_SECRET, tokenConfig, withApi } from './api-process';
import { generateEspiFeed } from './espi-parse-generate';
import { createDatabase, withBenchServer } from './support';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const LOADS = Number(args.get('loads') ?? 60);
const POLL_MS = Number(args.get('poll-ms') ?? 250);
const USAGE_POINTS = 10;
const CLI = join(__dirname, '..', 'src', 'cli.js');
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Waits until `found()` holds, checking every few milliseconds; throws after `ms`. */
async function until(found: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!found()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(2);
  }
}

void withBenchServer('subscriptions', async (work, serverUrl) => {
  const url = await createDatabase(serverUrl, 'bench_subscriptions');
  const db = createDataSource(url);
  await db.initialize();
  await runMigrations(db, pino({ level: 'warn' }));
  const importEnv = {
    ...process.env,
    DATABASE_URL: url,
    MIGRATE_ON_START: 'false',
    JWT_SECRET,
    LOG_LEVEL: 'warn',
    DATA_DIR: mkdtempSync(join(work, 'cli-')),
  };
  const load = async (day: number) => {
    const file = join(work, `day-${day}.xml`);
    // One more local day of quarter-hours for each usage point than the load before: one change per point.
    await generateEspiFeed(file, USAGE_POINTS * 96 * day, 96 * day);
    await promisify(execFile)(process.execPath, [CLI, 'import', file], { env: importEnv });
  };
  await load(1);
  const [{ id }] = (await db.query(`SELECT id::text FROM usage_point ORDER BY id LIMIT 1`)) as { id: string }[];
  const usagePointId = toGlobalId('UsagePoint', id);

  await withApi({ label: 'ours', cli: CLI }, url, 64, work, async (api) => {
    const token = await mintToken(tokenConfig, { role: Role.CSR, ttlSeconds: 3600 });
    const heard = new Map<string, number>();
    // The floor: the NOTIFY itself, heard by a plain LISTEN connection in this process.
    const notified = new Map<string, number>();
    const listener = new Client({ connectionString: url });
    await listener.connect();
    listener.on('notification', (n) => notified.set(n.payload ?? '', now()));
    await listener.query(`LISTEN ${USAGE_CHANGE_CHANNEL}`);
    const client = createClient({
      url: `${api.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    const unsubscribe = client.subscribe(
      {
        query: 'subscription($id: ID!) { usageUpdated(usagePointId: $id) { batchId } }',
        variables: { id: usagePointId },
      },
      {
        next: (result) => heard.set((result.data?.usageUpdated as { batchId: string }).batchId, now()),
        error: (error) => console.error('subscription error', error),
        complete: () => undefined,
      },
    );
    // The baseline: what a client without subscriptions does, asking for the usage over and over.
    const pollQuery = `query($id: ID!) { usagePoint(id: $id) { usage(from: "2024-01-01T05:00:00Z", to: "2025-01-01T05:00:00Z", resolution: DAY) { total } } }`;
    const seen: { total?: string; changedAt?: number; polling: boolean } = { polling: true };
    const poller = (async () => {
      while (seen.polling) {
        const started = now();
        const response = await fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: pollQuery, variables: { id: usagePointId } }),
        });
        const total = ((await response.json()) as { data: { usagePoint: { usage: { total: string } } } }).data
          .usagePoint.usage.total;
        if (seen.total !== undefined && total !== seen.total) seen.changedAt = now();
        seen.total = total;
        await sleep(Math.max(0, POLL_MS - (now() - started)));
      }
    })();
    await until(() => seen.total !== undefined, 10_000, 'the first poll');
    // The API holds the subscription once its /metrics counts it.
    const opsToken = await mintToken(tokenConfig, { role: Role.OPS, ttlSeconds: 3600 });
    for (let tries = 0; ; tries++) {
      const text = await (
        await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${opsToken}` } })
      ).text();
      if (text.includes('usage_portal_graphql_subscriptions 1')) break;
      if (tries > 500) throw new Error('the API never held the subscription');
      await sleep(20);
    }

    const floor: number[] = [];
    const pushed: number[] = [];
    const polled: number[] = [];
    for (let day = 2; day < LOADS + 2; day++) {
      seen.changedAt = undefined;
      await load(day);
      const [change] = (await db.query(
        `SELECT c.id::text, c.batch_id::text AS "batchId", extract(epoch FROM c.committed_at) * 1000 AS "committedMs"
           FROM usage_change c WHERE c.usage_point_id = $1 ORDER BY c.id DESC LIMIT 1`,
        [id],
      )) as { id: string; batchId: string; committedMs: string }[];
      const batchId = toGlobalId('ImportBatch', change.batchId);
      await until(
        () => heard.has(batchId) && seen.changedAt !== undefined && notified.has(change.id),
        10_000,
        `load ${day}'s arrival`,
      );
      floor.push((notified.get(change.id) as number) - Number(change.committedMs));
      pushed.push((heard.get(batchId) as number) - Number(change.committedMs));
      polled.push(Number(seen.changedAt) - Number(change.committedMs));
      // Loads land at any moment of the poll's cycle.
      await sleep(Math.random() * POLL_MS);
    }
    seen.polling = false;
    await poller;
    unsubscribe();
    await client.dispose();
    await listener.end();
    const row = (name: string, ms: number[]) =>
      `| ${name} | ${percentile(ms, 50).toFixed(1)} ms | ${percentile(ms, 99).toFixed(1)} ms | ${Math.max(...ms).toFixed(1)} ms |`;
    console.log(
      `commit → client, ${LOADS} loads of ${USAGE_POINTS} usage points (one change each), one subscriber and one poller on the same usage point`,
    );
    console.log('| client | median | p99 | max |\n|---|---|---|---|');
    console.log(row('NOTIFY heard by a plain LISTEN (floor)', floor));
    console.log(row('subscription (graphql-ws)', pushed));
    console.log(row(`polling usage every ${POLL_MS} ms (baseline)`, polled));
    console.log(
      `median ratio polling / subscription: ${(percentile(polled, 50) / percentile(pushed, 50)).toFixed(1)}×; load average ${loadavg()[0].toFixed(1)}`,
    );
  });
  await db.destroy();
});
