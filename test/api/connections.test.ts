import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { toGlobalId } from '../../src/services/access/global-id';
import { startApiSystem, type ApiSystem, type GraphQLResponse } from './support/api-system';
import { openApiDatabase, type ApiDatabase } from './support/database';
import { seedHousehold, seedSummary, seedUsagePoint } from './support/seed';

// Relay connections over HTTP: totalCount in the caller's scope, and last/before paging that meets first/after.

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Connection {
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { cursor: string; node: { id: string } }[];
}

const DAY = { from: '2024-06-01T00:00:00Z', to: '2024-06-02T00:00:00Z' };
const PAGE = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } }';

describe('connections: totalCount and backward paging', { timeout: 180_000 }, () => {
  let db: ApiDatabase;
  let api: ApiSystem;
  let csr: string;
  let ops: string;
  const households: { customerId: string; accountId: string; usagePointId: string }[] = [];

  before(async () => {
    db = await openApiDatabase('api_connections');
    for (let i = 0; i < 5; i += 1) {
      households.push(
        await seedHousehold(db.db, `Customer ${i}`, 'UTC', new Date(DAY.from), new Date(DAY.to), { seed: i }),
      );
    }
    // The first household: three usage points and three bills.
    for (let i = 0; i < 2; i += 1) await seedUsagePoint(db.db, households[0].accountId, 'UTC');
    for (let month = 1; month <= 3; month += 1)
      await seedSummary(db.db, households[0].usagePointId, new Date(Date.UTC(2024, month, 1)));
    for (const status of ['loaded', 'loaded', 'failed', 'loaded', 'failed', 'loaded', 'failed']) {
      await db.db.query(`INSERT INTO import_batch (source, status, file_name) VALUES ('file', $1, 'f.xml')`, [status]);
    }
    api = await startApiSystem({}, undefined, db.database);
    // The api process runs no workers: these stay waiting.
    for (let i = 0; i < 7; i += 1) await api.system.queues.imports.add('import', { path: `file-${i}.xml` });
    csr = await api.token(Role.CSR);
    ops = await api.token(Role.OPS);
  });
  after(async () => {
    await api?.stop();
    await db?.close();
  });

  const data = async (query: string, token = csr): Promise<Data> => {
    const response = await api.query(query, {}, token);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return response.data as Data;
  };
  const usagePoint = (i: number) => toGlobalId('UsagePoint', households[i].usagePointId);

  it('counts the whole list in the caller scope, at every level and with the page filters', async () => {
    const all = await data(`{ customers(first: 1) { totalCount } usagePoints(last: 1) { totalCount } }`);
    assert.equal(all.customers.totalCount, 5);
    assert.equal(all.usagePoints.totalCount, 7);

    const nested = await data(`{ customers(first: 5) { edges { node { accounts(first: 1) { totalCount edges { node {
      usagePoints(first: 1) { totalCount edges { node {
        meterReadings(first: 1) { totalCount } summaries(first: 1) { totalCount }
        intervals(from: "${DAY.from}", to: "${DAY.to}", first: 10) { totalCount }
        morning: intervals(from: "${DAY.from}", to: "2024-06-01T06:00:00Z", last: 1) { totalCount } } } } } } } } } } }`);
    const counts = nested.customers.edges.map(({ node }: Data) => {
      const account = node.accounts.edges[0].node;
      const point = account.usagePoints.edges[0].node;
      return [
        node.accounts.totalCount,
        account.usagePoints.totalCount,
        point.meterReadings.totalCount,
        point.summaries.totalCount,
        point.intervals.totalCount,
        point.morning.totalCount,
      ];
    });
    assert.deepEqual(counts, [[1, 3, 1, 3, 96, 24], ...Array.from({ length: 4 }, () => [1, 1, 1, 0, 96, 24])]);

    const customer = await api.token(Role.CUSTOMER, toGlobalId('Customer', households[1].customerId));
    const own = await data(`{ customers(first: 1) { totalCount } usagePoints(first: 1) { totalCount } }`, customer);
    assert.deepEqual(own, { customers: { totalCount: 1 }, usagePoints: { totalCount: 1 } });

    const opsView = await data(
      `{ failed: importBatches(first: 1, status: FAILED) { totalCount } all: importBatches(last: 2) { totalCount }
      queue(name: IMPORTS) { jobs(state: WAITING, first: 1) { totalCount } } }`,
      ops,
    );
    assert.deepEqual(opsView, {
      failed: { totalCount: 3 },
      all: { totalCount: 7 },
      queue: { jobs: { totalCount: 7 } },
    });
  });

  it('prices totalCount once per connection, not per item', async () => {
    const cost = async (query: string) =>
      ((await api.query(query, {}, csr)).extensions?.cost as { requested: number }).requested;
    const plain = await cost(`{ customers(first: 100) { edges { node { id } } } }`);
    assert.equal(await cost(`{ customers(first: 100) { totalCount edges { node { id } } } }`), plain + 10);
    assert.equal(
      await cost(
        `{ customers(first: 100) { ...count edges { node { id } } } } fragment count on CustomerConnection { totalCount }`,
      ),
      plain + 10,
    );
    // A year of readings to count: one point more per thousand quarter-hours.
    const year = (count: string) =>
      `{ usagePoint(id: "${usagePoint(0)}") { intervals(from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z", first: 10) { ${count} edges { cursor } } } }`;
    assert.equal(await cost(year('totalCount')), (await cost(year(''))) + 10 + 36);
  });

  // Every paginated list: the query of a page given its arguments, and where the connection is in the answer.
  const lists: {
    name: string;
    token: () => string;
    query: (args: string) => string;
    at: (data: Data) => Connection;
    size: number;
  }[] = [
    {
      name: 'customers',
      token: () => csr,
      query: (args) => `{ customers(${args}) { ${PAGE} } }`,
      at: (d) => d.customers,
      size: 5,
    },
    {
      name: 'usagePoints',
      token: () => csr,
      query: (args) => `{ usagePoints(${args}) { ${PAGE} } }`,
      at: (d) => d.usagePoints,
      size: 7,
    },
    {
      name: 'account usagePoints',
      token: () => csr,
      query: (args) =>
        `{ node(id: "${toGlobalId('CustomerAccount', households[0].accountId)}") { ... on CustomerAccount { usagePoints(${args}) { ${PAGE} } } } }`,
      at: (d) => d.node.usagePoints,
      size: 3,
    },
    {
      name: 'summaries',
      token: () => csr,
      query: (args) => `{ usagePoint(id: "${usagePoint(0)}") { summaries(${args}) { ${PAGE} } } }`,
      at: (d) => d.usagePoint.summaries,
      size: 3,
    },
    {
      name: 'intervals',
      token: () => csr,
      query: (args) =>
        `{ usagePoint(id: "${usagePoint(0)}") { intervals(from: "${DAY.from}", to: "2024-06-01T02:00:00Z", ${args}) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id: start } } } } }`,
      at: (d) => d.usagePoint.intervals,
      size: 8,
    },
    {
      name: 'importBatches',
      token: () => ops,
      query: (args) => `{ importBatches(${args}) { ${PAGE} } }`,
      at: (d) => d.importBatches,
      size: 7,
    },
    {
      name: 'jobs',
      token: () => ops,
      query: (args) =>
        `{ queue(name: IMPORTS) { jobs(state: WAITING, ${args}) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id: jobId } } } } }`,
      at: (d) => d.queue.jobs,
      size: 7,
    },
  ];

  for (const list of lists) {
    it(`${list.name}: last/before pages back through the same items, in the same order, with cursors of either direction`, async () => {
      const page = async (args: string) => list.at(await data(list.query(args), list.token()));
      const ids = (connection: Connection) => connection.edges.map((edge) => edge.node.id);

      const forward: Connection[] = [await page('first: 2')];
      while (forward[forward.length - 1].pageInfo.hasNextPage)
        forward.push(await page(`first: 2, after: "${forward[forward.length - 1].pageInfo.endCursor}"`));
      const backward: Connection[] = [await page('last: 2')];
      while (backward[0].pageInfo.hasPreviousPage)
        backward.unshift(await page(`last: 2, before: "${backward[0].pageInfo.startCursor}"`));

      const items = forward.flatMap(ids);
      assert.equal(items.length, list.size);
      assert.equal(new Set(items).size, list.size);
      assert.deepEqual(backward.flatMap(ids), items, 'the same items in the same order');
      assert.deepEqual(
        backward.map((p) => ids(p).length),
        list.size % 2 ? [1, ...Array(Math.floor(list.size / 2)).fill(2)] : Array(list.size / 2).fill(2),
        'backward pages are full from the end',
      );
      assert.ok(forward.every((p) => !p.pageInfo.hasPreviousPage) && backward.every((p) => !p.pageInfo.hasNextPage));
      assert.deepEqual(
        backward.map((p) => p.pageInfo.hasPreviousPage),
        backward.map((_, i) => i > 0),
      );

      // A forward page's cursors page backward, and a backward page's cursors page forward.
      assert.deepEqual(ids(await page(`last: 2, before: "${forward[1].pageInfo.startCursor}"`)), items.slice(0, 2));
      assert.deepEqual(
        ids(await page(`first: 3, after: "${backward[0].pageInfo.endCursor}"`)),
        items.slice(ids(backward[0]).length, ids(backward[0]).length + 3),
      );
      // Both cursors: what lies between the first item and the last, from either end.
      const cursors = forward.flatMap((p) => p.edges.map((edge) => edge.cursor));
      const between = `after: "${cursors[0]}", before: "${cursors[list.size - 1]}"`;
      const middle = items.slice(1, -1);
      assert.deepEqual(ids(await page(`first: 10, ${between}`)), middle);
      const lastTwo = await page(`last: 2, ${between}`);
      assert.deepEqual(ids(lastTwo), middle.slice(-2));
      assert.equal(lastTwo.pageInfo.hasPreviousPage, middle.length > 2);
    });
  }

  it('refuses a page with both first and last, neither, or a size out of range, naming the argument', async () => {
    const refused = async (query: string): Promise<GraphQLResponse> => {
      const response = await api.query(query, {}, csr);
      assert.equal(response.status, 400, JSON.stringify(response));
      assert.equal(response.data, undefined);
      return response;
    };
    const both = await refused(`{ customers(first: 2, last: 2) { edges { cursor } } }`);
    assert.equal(both.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    assert.deepEqual(both.errors?.[0].extensions?.field, ['customers', 'last']);
    const neither = await refused(`{ usagePoint(id: "${usagePoint(0)}") { summaries { edges { cursor } } } }`);
    assert.deepEqual(neither.errors?.[0].extensions?.field, ['summaries', 'first']);
    assert.equal(neither.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    const tooMany = await refused(`query($n: Int = 101) { customers(last: $n) { edges { cursor } } }`);
    assert.deepEqual(tooMany.errors?.[0].extensions?.field, ['customers', 'last']);
    assert.equal(tooMany.errors?.[0].message, 'last must be between 1 and 100');
    const intervals = await refused(
      `{ usagePoint(id: "${usagePoint(0)}") { intervals(from: "${DAY.from}", to: "${DAY.to}", last: 1001) { edges { cursor } } } }`,
    );
    assert.deepEqual(intervals.errors?.[0].extensions?.field, ['intervals', 'last']);

    const badCursor = await api.query(`{ customers(last: 2, before: "bm9wZQ") { edges { cursor } } }`, {}, csr);
    assert.equal(badCursor.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    assert.deepEqual(badCursor.errors?.[0].extensions?.field, ['customers', 'before']);
  });
});
