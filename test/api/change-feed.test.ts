import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { toGlobalId } from '../../src/services/access/global-id';
import type { FeedSpec } from '../import/feed';
import { startFeedSystem, type Data, type FeedSystem } from './support/feed-system';

// UsagePoint.changes over HTTP, after real loads of generated feeds: a first load, a reload that changes nothing, and
// a correction of one reading with four appended; paging, the since filter, revisions and scope.

// 2024-03-09 00:00 in New York: three local days (the middle one 23 hours).
const MARCH_9 = Date.UTC(2024, 2, 9, 5) / 1000;
const DAYS = 96 + 92 + 96;
const base: FeedSpec = { usagePoints: [1, 2], start: MARCH_9, count: DAYS, value: (u, n) => 100 + ((n * 37 + u) % 50) };
const REVISED = 100;
const corrected: FeedSpec = {
  ...base,
  usagePoints: [1],
  count: DAYS + 4,
  value: (u, n) => (n === REVISED ? 9999 : base.value(u, n)),
  qualities: (_u, n) => (n === REVISED ? [7] : []),
};
const ALL = '2000-01-01T00:00:00Z';
const CHANGE = `id batchId committedAt from to firstDay lastDay inserted revised`;
const REVISION = `start end direction oldValue newValue oldCost newCost oldQualities newQualities reason meterReading { id }`;

describe('UsagePoint.changes: the change feed of real loads', { timeout: 180_000 }, () => {
  let system: FeedSystem;
  let csr: string;
  let points: string[];
  let customers: string[];
  const batches: string[] = [];

  before(async () => {
    system = await startFeedSystem('api_changes');
    csr = system.csr;
    batches.push(await system.load('base.xml', base));
    // The same readings again: no change.
    await system.load('base.xml', base, true);
    batches.push(await system.load('corrected.xml', corrected));
    ({ points, customers } = await system.claim());
  });
  after(() => system?.stop());

  const data = (query: string, token = csr) => system.data(query, token);
  const changes = (
    point: string,
    args: string,
    selection = `totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${CHANGE} } }`,
  ) => `{ usagePoint(id: "${point}") { timeZone changes(${args}) { ${selection} } } }`;

  it('lists each committed load that wrote the point, oldest first, with its window, counts and revisions', async () => {
    const answer = await data(
      changes(
        points[0],
        `since: "${ALL}", first: 10`,
        `totalCount edges { node { ${CHANGE} revisions(first: 10) { totalCount edges { node { ${REVISION} } } } } }`,
      ),
    );
    assert.equal(answer.usagePoint.timeZone, 'America/New_York');
    const feed = answer.usagePoint.changes;
    assert.equal(feed.totalCount, 2);
    const [first, second] = feed.edges.map((e: Data) => e.node);
    assert.deepEqual(
      [first, second].map(({ batchId, from, to, firstDay, lastDay, inserted, revised }: Data) => ({
        batchId,
        from,
        to,
        firstDay,
        lastDay,
        inserted,
        revised,
      })),
      [
        {
          batchId: toGlobalId('ImportBatch', batches[0]),
          from: '2024-03-09T05:00:00.000Z',
          to: '2024-03-12T04:00:00.000Z',
          firstDay: '2024-03-09',
          lastDay: '2024-03-11',
          inserted: DAYS,
          revised: 0,
        },
        {
          batchId: toGlobalId('ImportBatch', batches[1]),
          from: '2024-03-10T05:00:00.000Z',
          to: '2024-03-13T04:00:00.000Z',
          firstDay: '2024-03-10',
          lastDay: '2024-03-12',
          inserted: 4,
          revised: 1,
        },
      ],
    );
    assert.ok(first.committedAt < second.committedAt);
    assert.deepEqual(first.revisions, { totalCount: 0, edges: [] });
    const start = new Date((MARCH_9 + REVISED * 900) * 1000);
    const [{ id: meterReading }] = (await system.db.db.query(
      `SELECT id::text FROM meter_reading ORDER BY id LIMIT 1`,
    )) as { id: string }[];
    assert.deepEqual(second.revisions, {
      totalCount: 1,
      edges: [
        {
          node: {
            start: start.toISOString(),
            end: new Date(start.getTime() + 900_000).toISOString(),
            direction: 'DELIVERED',
            // Wh shown as kWh, exactly.
            oldValue: String(base.value(1, REVISED) / 1000),
            newValue: '9.999',
            oldCost: null,
            newCost: null,
            oldQualities: [],
            newQualities: ['MANUALLY_EDITED'],
            reason: 'correction',
            meterReading: { id: toGlobalId('MeterReading', meterReading) },
          },
        },
      ],
    });
    // The other point was not in the correction: its first load only.
    const other = (await data(changes(points[1], `since: "${ALL}", first: 10`))).usagePoint.changes;
    assert.deepEqual(
      other.edges.map((e: Data) => [e.node.inserted, e.node.revised]),
      [[DAYS, 0]],
    );
  });

  it('pages forward with first/after, and since keeps what was committed at or after it', async () => {
    const one = (await data(changes(points[0], `since: "${ALL}", first: 1`))).usagePoint.changes;
    assert.equal(one.totalCount, 2);
    assert.equal(one.pageInfo.hasNextPage, true);
    assert.equal(one.edges[0].node.inserted, DAYS);
    const next = (await data(changes(points[0], `since: "${ALL}", first: 1, after: "${one.pageInfo.endCursor}"`)))
      .usagePoint.changes;
    assert.deepEqual([next.pageInfo.hasNextPage, next.edges.map((e: Data) => e.node.inserted)], [false, [4]]);
    // Resuming after the last change: nothing new, and the cursor stays put.
    const none = (await data(changes(points[0], `since: "${ALL}", first: 1, after: "${next.pageInfo.endCursor}"`)))
      .usagePoint.changes;
    assert.deepEqual([none.edges, none.pageInfo.hasNextPage, none.pageInfo.endCursor], [[], false, null]);

    const secondAt = next.edges[0].node.committedAt;
    const since = (await data(changes(points[0], `since: "${secondAt}", first: 10`))).usagePoint.changes;
    assert.deepEqual([since.totalCount, since.edges.map((e: Data) => e.node.inserted)], [1, [4]]);
    const later = new Date(new Date(secondAt).getTime() + 1).toISOString();
    assert.equal((await data(changes(points[0], `since: "${later}", first: 10`))).usagePoint.changes.totalCount, 0);
  });

  it('refuses bad pages and cursors as BAD_USER_INPUT', async () => {
    for (const args of [
      `since: "${ALL}", first: 0`,
      `since: "${ALL}", first: 101`,
      `since: "${ALL}", first: 1, after: "nope"`,
    ]) {
      const response = await system.api.query(changes(points[0], args), {}, csr);
      assert.equal(response.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', args);
    }
  });

  it('a change is a Node; a CUSTOMER sees the changes of its own usage points only, OPS sees them all', async () => {
    const [edge] = (await data(changes(points[0], `since: "${ALL}", first: 1`))).usagePoint.changes.edges;
    const node = (id: string) => `{ node(id: "${id}") { ... on UsageChange { inserted usagePoint { id } } } }`;
    assert.deepEqual((await data(node(edge.node.id))).node, { inserted: DAYS, usagePoint: { id: points[0] } });

    const own = await system.api.token(Role.CUSTOMER, customers[0]);
    assert.equal((await data(changes(points[0], `since: "${ALL}", first: 10`), own)).usagePoint.changes.totalCount, 2);
    assert.equal((await data(changes(points[1], `since: "${ALL}", first: 10`), own)).usagePoint, null);
    assert.equal((await data(node(edge.node.id), await system.api.token(Role.CUSTOMER, customers[1]))).node, null);

    const ops = await system.api.token(Role.OPS);
    assert.equal((await data(changes(points[1], `since: "${ALL}", first: 10`), ops)).usagePoint.changes.totalCount, 1);
  });
});
