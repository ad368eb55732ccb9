import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { mintToken } from '../../src/auth/tokens';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startSystem, type RunningSystem } from '../../src/main';
import { toGlobalId } from '../../src/services/access/global-id';
import { importFile } from '../../src/services/import/import-file';
import { postGraphQL, TEST_JWT_SECRET, type GraphQLResponse } from '../api/support/api-system';
import { seedCustomer } from '../api/support/seed';
import { writeFeed, type FeedSpec } from '../import/feed';
import { waitFor } from '../support/wait-for';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeOnEachQueueBackend } from '../support/queue-backends';
import { XMLLINT_MISSING, xmllintValidate } from '../support/xmllint';
import { WebhookReceiver, type Received } from './receiver';

// Webhooks end to end: a `serve` process (API, relay, delivery jobs) on each queue backend, loads committed into its
// database, and a local receiver that checks every signature.
const START = Date.UTC(2024, 2, 9, 5) / 1000;
const base: FeedSpec = { usagePoints: [1, 2], start: START, count: 96, value: (u, n) => 100 + u + n };
const more: FeedSpec = { ...base, count: 100 };
const logger = createLogger('silent');

const CREATE = `mutation ($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) { endpoint { id secret url events customerIds format } userErrors { code field message } } }`;

describeOnEachQueueBackend('webhooks', { timeout: 300_000 }, (backend) => {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-'));
  let db: TestDatabase;
  let system: RunningSystem;
  let config: Config;
  let receiver: WebhookReceiver;
  let admin: string;
  const ids: Record<string, string> = {};
  const graphql = async (
    query: string,
    variables: Record<string, unknown> = {},
    token = admin,
  ): Promise<GraphQLResponse> => {
    const answer = await postGraphQL(`${system.http?.url}/graphql`, query, variables, token);
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer;
  };
  const create = async (path: string, input: Record<string, unknown>, statuses: number[] = []) => {
    const answer = await graphql(CREATE, { input: { url: receiver.url(path), ...input } });
    const { endpoint, userErrors } = answer.data?.webhookEndpointCreate as {
      endpoint: { id: string; secret: string };
      userErrors: unknown[];
    };
    assert.deepEqual(userErrors, []);
    receiver.expect(path, endpoint.secret, statuses);
    return endpoint.id;
  };
  const load = async (name: string, spec: FeedSpec) =>
    importFile(system.database.dataSource, { path: writeFeed(join(dir, name), spec), source: 'cli', logger });
  // A retry waits 30 s and more: the test moves each one forward instead of waiting for it.
  const hurryRetries = async () => {
    for (const job of await system.queues.webhooks.getDelayed()) await job.promote().catch(() => undefined);
  };
  const arrived = (path: string, count: number, what: string) =>
    waitFor(what, async () => {
      await hurryRetries();
      const got = receiver.at(path).filter((r) => r.status === 200);
      return got.length >= count && got;
    });
  const bodyOf = (r: Received) =>
    JSON.parse(r.body) as {
      id: string;
      kind: string;
      usagePointId: string | null;
      customerId: string | null;
      batchId: string;
      data: Record<string, unknown>;
    };

  before(async () => {
    receiver = await WebhookReceiver.start();
    db = await createTestDatabase(`webhooks_${backend.kind}`);
    config = loadConfig({
      DATABASE_URL: db.url,
      ...backend.settings('webhooks'),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      JWT_SECRET: TEST_JWT_SECRET,
      WEBHOOK_URLS: receiver.url('/hooks'),
      PUBLIC_BASE_URL: 'https://portal.example',
    });
    system = await startSystem('serve', config, logger);
    admin = await mintToken(config, { role: Role.ADMIN, subject: 'webhooks-test', ttlSeconds: 600 });
    // Usage points 1 and 2 exist, then belong to customers A and B.
    assert.equal((await load('base.xml', base)).status, 'loaded');
    const [a, b] = [
      await seedCustomer(system.database.dataSource, 'Alice A'),
      await seedCustomer(system.database.dataSource, 'Bob B'),
    ];
    for (const [n, account] of [
      [1, a.accountId],
      [2, b.accountId],
    ]) {
      await system.database.dataSource.query(
        `UPDATE usage_point SET customer_account_id = $1 WHERE external_id LIKE $2`,
        [account, `%/RetailCustomer/${n}/UsagePoint/1`],
      );
    }
    const points = (await system.database.dataSource.query(
      `SELECT id::text FROM usage_point ORDER BY external_id`,
    )) as { id: string }[];
    Object.assign(ids, {
      customerA: a.customerId,
      customerB: b.customerId,
      point1: points[0].id,
      point2: points[1].id,
    });
    await waitFor(
      'the first load to be relayed',
      async () =>
        (
          (await system.database.dataSource.query(
            `SELECT 1 FROM event_outbox WHERE dispatched_at IS NULL`,
          )) as unknown[]
        ).length === 0,
    );
  });
  after(async () => {
    await system?.stop();
    await receiver?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an endpoint outside WEBHOOK_URLS with a userError and registers nothing', async () => {
    for (const url of [
      receiver.url('/elsewhere'),
      'http://example.com/hooks',
      receiver.url('/hooks/%2e%2e/admin'),
      'ftp://127.0.0.1/hooks',
    ]) {
      const answer = await graphql(CREATE, { input: { url, events: ['USAGE_LOADED'] } });
      assert.deepEqual(answer.data?.webhookEndpointCreate, {
        endpoint: null,
        userErrors: [
          {
            code: 'URL_NOT_ALLOWED',
            field: ['input', 'url'],
            message: `${url} is not an http(s) URL under WEBHOOK_URLS`,
          },
        ],
      });
    }
    const ops = await mintToken(config, { role: Role.OPS, subject: 'ops', ttlSeconds: 600 });
    const forbidden = await postGraphQL(
      `${system.http?.url}/graphql`,
      CREATE,
      { input: { url: receiver.url('/hooks/x'), events: ['USAGE_LOADED'] } },
      ops,
    );
    assert.equal(forbidden.errors?.[0].extensions?.code, 'FORBIDDEN');
    assert.deepEqual(
      (
        await graphql(
          `
            {
              webhookEndpoints {
                id
              }
            }
          `,
          {},
          ops,
        )
      ).data?.webhookEndpoints,
      [],
    );
  });

  it('delivers each committed event, signed, retried after a 500 with the same event id; scoped, disabled and ESPI endpoints get what they should', async () => {
    const everything = await create(
      '/hooks/all',
      { events: ['USAGE_LOADED', 'USAGE_REVISED', 'IMPORT_FAILED'] },
      [500],
    );
    await create('/hooks/a', {
      events: ['USAGE_LOADED', 'USAGE_REVISED'],
      customerIds: [toGlobalId('Customer', ids.customerA)],
    });
    await create('/hooks/espi', {
      events: ['USAGE_LOADED'],
      customerIds: [toGlobalId('Customer', ids.customerA)],
      format: 'ESPI_BATCHLIST',
    });
    const off = await create('/hooks/off', { events: ['USAGE_LOADED', 'USAGE_REVISED', 'IMPORT_FAILED'] });
    const disabled = await graphql(
      `
        mutation ($id: ID!) {
          webhookEndpointDisable(input: { id: $id }) {
            endpoint {
              enabled
              secret
            }
            userErrors {
              code
            }
          }
        }
      `,
      { id: off },
    );
    assert.deepEqual(disabled.data?.webhookEndpointDisable, {
      endpoint: { enabled: false, secret: null },
      userErrors: [],
    });

    const result = await load('more.xml', more);
    assert.equal(result.status, 'loaded');
    const all = await arrived('/hooks/all', 2, 'both events at the unscoped endpoint');
    const [first, ...rest] = receiver.at('/hooks/all');
    assert.equal(first.status, 500);
    assert.ok(
      receiver.at('/hooks/all').every((r) => r.signed),
      'every delivery is signed with the endpoint secret',
    );
    assert.equal(
      bodyOf(first).id,
      bodyOf(rest.find((r) => bodyOf(r).id === bodyOf(first).id) as Received).id,
      'the failed event arrives again, same id',
    );
    assert.deepEqual(
      all.map((r) => bodyOf(r).usagePointId).sort(),
      [toGlobalId('UsagePoint', ids.point1), toGlobalId('UsagePoint', ids.point2)].sort(),
    );
    const event = bodyOf(all.find((r) => bodyOf(r).usagePointId === toGlobalId('UsagePoint', ids.point1)) as Received);
    assert.equal(all[0].headers['x-usage-portal-event-id'], bodyOf(all[0]).id);
    assert.deepEqual(
      {
        kind: event.kind,
        customerId: event.customerId,
        batchId: event.batchId,
        inserted: event.data.inserted,
        revised: event.data.revised,
        firstDay: event.data.firstDay,
      },
      {
        kind: 'USAGE_LOADED',
        customerId: toGlobalId('Customer', ids.customerA),
        batchId: toGlobalId('ImportBatch', result.batchId as string),
        inserted: 4,
        revised: 0,
        firstDay: '2024-03-10',
      },
    );

    const scoped = await arrived('/hooks/a', 1, "customer A's event at its endpoint");
    assert.deepEqual(
      scoped.map((r) => bodyOf(r).usagePointId),
      [toGlobalId('UsagePoint', ids.point1)],
    );
    assert.ok(scoped[0].signed);

    const [batchList] = await arrived('/hooks/espi', 1, 'the BatchList at the third party');
    assert.ok(batchList.signed);
    assert.match(String(batchList.headers['content-type']), /^application\/xml/);
    const [meterReading] = (await system.database.dataSource.query(
      `SELECT id::text FROM meter_reading WHERE usage_point_id = $1`,
      [ids.point1],
    )) as { id: string }[];
    const resources = [...batchList.body.matchAll(/<resources>([^<]*)<\/resources>/g)].map((m) =>
      m[1].replace(/&amp;/g, '&'),
    );
    assert.deepEqual(resources, [
      `https://portal.example/espi/1_1/resource/MeterReading/${toGlobalId('MeterReading', meterReading.id)}/IntervalBlock?published-min=2024-03-10T05%3A00%3A00Z&published-max=2024-03-11T04%3A00%3A00Z`,
    ]);
    if (!XMLLINT_MISSING) {
      const file = join(dir, 'batch-list.xml');
      writeFileSync(file, batchList.body);
      xmllintValidate(file, 'espi.xsd');
    }

    // Everything else has been delivered by now; the scoped endpoint got nothing of B, the disabled one nothing.
    await waitFor(
      'every delivery to settle',
      async () =>
        (
          (await system.database.dataSource.query(
            `SELECT 1 FROM webhook_delivery WHERE status = 'pending'`,
          )) as unknown[]
        ).length === 0,
    );
    assert.equal(receiver.at('/hooks/a').length, 1);
    assert.equal(receiver.at('/hooks/off').length, 0);

    const log = await graphql(
      `
        query ($endpoint: ID!) {
          webhookDeliveries(first: 10, endpoint: $endpoint) {
            edges {
              node {
                id
                eventId
                kind
                status
                attempts {
                  statusCode
                  error
                }
              }
            }
          }
        }
      `,
      { endpoint: everything },
    );
    const deliveries = (
      log.data?.webhookDeliveries as {
        edges: {
          node: { id: string; eventId: string; kind: string; status: string; attempts: { statusCode: number }[] };
        }[];
      }
    ).edges.map((e) => e.node);
    const retried = deliveries.find((d) => d.eventId === bodyOf(first).id);
    assert.deepEqual(
      { status: retried?.status, attempts: retried?.attempts.map((a) => a.statusCode) },
      { status: 'DELIVERED', attempts: [500, 200] },
    );

    const replay = await graphql(
      `
        mutation ($id: ID!) {
          webhookDeliveryReplay(input: { id: $id }) {
            delivery {
              status
            }
            userErrors {
              code
            }
          }
        }
      `,
      { id: retried?.id },
    );
    assert.deepEqual(replay.data?.webhookDeliveryReplay, { delivery: { status: 'PENDING' }, userErrors: [] });
    const again = await arrived('/hooks/all', 3, 'the replayed delivery');
    assert.equal(bodyOf(again[2]).id, bodyOf(first).id, 'a replay carries the same event id');
  });

  it('sends IMPORT_FAILED, recorded with the batch, for a rejected file (to unscoped endpoints only), signed with a rotated secret', async () => {
    const [everything] = (
      (
        await graphql(`
          {
            webhookEndpoints {
              id
              url
            }
          }
        `)
      ).data?.webhookEndpoints as { id: string; url: string }[]
    ).filter((e) => e.url.endsWith('/hooks/all'));
    const rotated = await graphql(
      `
        mutation ($id: ID!) {
          webhookEndpointRotateSecret(input: { id: $id }) {
            endpoint {
              secret
            }
            userErrors {
              code
            }
          }
        }
      `,
      { id: everything.id },
    );
    const { secret } = (rotated.data?.webhookEndpointRotateSecret as { endpoint: { secret: string } }).endpoint;
    assert.match(secret, /^whsec_/);
    receiver.expect('/hooks/all', secret);
    const whole = readFileSync(writeFeed(join(dir, 'whole.xml'), { ...base, count: 200 }), 'utf8');
    const truncated = join(dir, 'truncated.xml');
    writeFileSync(truncated, whole.slice(0, Math.floor(whole.length * 0.8)));
    const result = await importFile(system.database.dataSource, { path: truncated, source: 'cli', logger });
    assert.equal(result.status, 'rejected');
    const failed = await waitFor('the IMPORT_FAILED event', async () => {
      await hurryRetries();
      return receiver
        .at('/hooks/all')
        .map(bodyOf)
        .find((b) => b.kind === 'IMPORT_FAILED');
    });
    assert.deepEqual(
      {
        batchId: failed.batchId,
        usagePointId: failed.usagePointId,
        file: failed.data.file,
        status: failed.data.status,
        reason: typeof failed.data.reason,
      },
      {
        batchId: toGlobalId('ImportBatch', result.batchId as string),
        usagePointId: null,
        file: 'truncated.xml',
        status: 'rejected',
        reason: 'string',
      },
    );
    assert.ok(
      receiver.at('/hooks/all').find((r) => bodyOf(r).kind === 'IMPORT_FAILED')?.signed,
      'signed with the new secret',
    );
    assert.equal(receiver.at('/hooks/a').length, 1);
  });
});
