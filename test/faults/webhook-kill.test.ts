import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { Client } from 'pg';
import { writeFeed } from '../import/feed';
import { waitFor } from '../support/wait-for';
import { runCli, startCli, type CliProcess } from '../support/cli-process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeOnEachQueueBackend } from '../support/queue-backends';
import { WebhookReceiver } from '../webhooks/receiver';

// A worker SIGKILLed by the relay between its commit (deliveries written, events marked dispatched) and queuing the
// deliveries' jobs: a worker started in its place queues them, and the receiver gets every event exactly once.
const SECRET = 'whsec_fault-test';

describeOnEachQueueBackend(
  'a worker killed between the relay commit and the delivery',
  { timeout: 240_000 },
  (backend) => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-kill-'));
    const workers: CliProcess[] = [];
    let db: TestDatabase | undefined;
    let client: Client | undefined;
    let receiver: WebhookReceiver | undefined;
    after(async () => {
      for (const cli of workers)
        if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM');
      await Promise.all(workers.map((cli) => cli.exited()));
      await client?.end();
      await receiver?.close();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('still delivers every event, once', async () => {
      receiver = await WebhookReceiver.start();
      receiver.expect('/hooks/all', SECRET);
      db = await createTestDatabase(`webhookkill_${backend.kind}`);
      const env = {
        DATABASE_URL: db.url,
        ...backend.settings('webhookkill'),
        DATA_DIR: dir,
        WEBHOOK_URLS: receiver.url('/hooks'),
      };
      const start = async (extra: Record<string, string> = {}) => {
        const cli = startCli(['worker', '--json'], { ...env, ...extra });
        workers.push(cli);
        assert.equal((await cli.firstJson()).status, 'running', cli.stderr());
        return cli;
      };
      const doomed = await start({ USAGE_PORTAL_KILL_AT: 'webhooks:after-dispatch' });
      client = new Client({ connectionString: db.url });
      await client.connect();
      await client.query(`INSERT INTO webhook_endpoint (url, events, secret) VALUES ($1, '{USAGE_LOADED}', $2)`, [
        receiver.url('/hooks/all'),
        SECRET,
      ]);

      const feed = writeFeed(join(dir, 'feed.xml'), {
        usagePoints: [1, 2, 3],
        start: Date.UTC(2024, 2, 9, 5) / 1000,
        count: 96,
        value: (u, n) => u + n,
      });
      const loaded = await runCli(['import', feed, '--json'], env);
      assert.equal(loaded.code, 0, loaded.stderr);
      assert.equal(
        (await doomed.exited()).signal,
        'SIGKILL',
        `the relay was to be killed after its commit: ${doomed.stderr().slice(-2000)}`,
      );
      const { rows: left } = await client.query(
        `SELECT count(*)::int AS deliveries, count(*) FILTER (WHERE queued)::int AS queued FROM webhook_delivery`,
      );
      assert.deepEqual(
        left[0],
        { deliveries: 3, queued: 0 },
        'the relay committed its deliveries and died before queuing them',
      );
      assert.equal(receiver.received.length, 0);

      await start();
      await waitFor('every event delivered', async () => {
        const { rows } = await client!.query(
          `SELECT count(*)::int AS n FROM webhook_delivery WHERE status = 'delivered'`,
        );
        return rows[0].n === 3;
      });
      const { rows: events } = await client.query(`SELECT id::text FROM event_outbox ORDER BY id`);
      const received = receiver.received.map((r) => (JSON.parse(r.body) as { id: string }).id).sort();
      assert.deepEqual(received, events.map((e) => e.id).sort(), 'each event arrived once');
      assert.ok(receiver.received.every((r) => r.signed));
    });
  },
);
