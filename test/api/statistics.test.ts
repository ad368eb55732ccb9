import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { toGlobalId } from '../../src/services/access/global-id';
import type { FeedSpec } from '../import/feed';
import { startFeedSystem, type FeedSystem } from './support/feed-system';
import { seedHousehold } from './support/seed';

// UsagePoint.statistics over HTTP after real loads: every hour's value and running sum equal PostgreSQL's own sums of
// the readings (all readings before the end of the hour), across the spring-forward night of New York, over the
// 744-hour cap, and again after a correction, asked from the window the change feed reports.

interface Hour {
  start: string;
  end: string;
  value: string;
  sum: string;
  readings: number;
}

const HOUR = 3_600_000;
// 2024-02-01 00:00 in New York through 2024-03-12: whole months and days of rollups before most hours asked for.
const FEB_1 = Date.UTC(2024, 1, 1, 5) / 1000;
// The last hour holds two readings: an hour still arriving.
const COUNT = 41 * 96 - 2;
const base: FeedSpec = { usagePoints: [1, 2], start: FEB_1, count: COUNT, value: (u, n) => 100 + ((n * 37 + u) % 500) };
// A reading of 2024-03-10 (the spring-forward day) corrected upward.
const REVISED = Math.round((Date.UTC(2024, 2, 10, 9, 15) / 1000 - FEB_1) / 900);
const DELTA = 123_456;
const corrected: FeedSpec = {
  ...base,
  usagePoints: [1],
  value: (u, n) => base.value(u, n) + (n === REVISED ? DELTA : 0),
};

/** "12.345" as thousandths (Wh), exactly. */
const milli = (decimal: string) => {
  const [whole, fraction = ''] = decimal.split('.');
  return BigInt(whole + fraction.padEnd(3, '0'));
};

describe('UsagePoint.statistics: hourly values and running sums', { timeout: 180_000 }, () => {
  let system: FeedSystem;
  let csr: string;
  let points: string[];
  let ids: string[];
  let customers: string[];

  before(async () => {
    system = await startFeedSystem('api_statistics');
    csr = system.csr;
    await system.load('base.xml', base);
    ({ ids, points, customers } = await system.claim());
  });
  after(() => system?.stop());

  const data = (query: string, token = csr) => system.data(query, token);
  const statistics = async (point: number, since: string, token = csr): Promise<Hour[]> =>
    (
      await data(
        `{ usagePoint(id: "${points[point]}") { statistics(since: "${since}", resolution: HOUR) { start end value sum readings } } }`,
        token,
      )
    ).usagePoint.statistics;

  /** Each hour of the answer from the readings themselves: the hour's sum and the sum of everything before its end. */
  const fromReadings = async (point: number, hours: Hour[]): Promise<Hour[]> =>
    (await system.db.db.query(
      `SELECT to_char(h AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS".000Z"') AS start,
              to_char((h + interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS".000Z"') AS end,
              trim_scale(coalesce((SELECT sum(r.value) FROM interval_reading r WHERE r.usage_point_id = $1 AND r.start >= h AND r.start < h + interval '1 hour'), 0) / 1000)::text AS value,
              trim_scale(coalesce((SELECT sum(r.value) FROM interval_reading r WHERE r.usage_point_id = $1 AND r.start < h + interval '1 hour'), 0) / 1000)::text AS sum,
              (SELECT count(*)::int FROM interval_reading r WHERE r.usage_point_id = $1 AND r.start >= h AND r.start < h + interval '1 hour') AS readings
         FROM unnest($2::timestamptz[]) AS h ORDER BY h`,
      [ids[point], hours.map((h) => h.start)],
    )) as Hour[];

  it('equals the sums of the readings, hour by hour, across the spring-forward night', async () => {
    // 2024-03-09 19:00 New York: the rest of that day from readings, March 1–8 from daily rollups, February monthly.
    const hours = await statistics(0, '2024-03-10T00:17:00Z');
    assert.equal(hours[0].start, '2024-03-10T00:00:00.000Z');
    const lastHour = Math.floor(((FEB_1 + (COUNT - 1) * 900) * 1000) / HOUR) * HOUR;
    assert.equal(hours.length, (lastHour - Date.UTC(2024, 2, 10)) / HOUR + 1);
    hours.forEach((hour, i) => assert.equal(Date.parse(hour.start), Date.UTC(2024, 2, 10) + i * HOUR));
    assert.deepEqual(hours, await fromReadings(0, hours));
    // 02:00–03:00 local did not exist on March 10: UTC hours go on, four readings each, two in the last.
    assert.deepEqual(new Set(hours.slice(0, -1).map((hour) => hour.readings)), new Set([4]));
    assert.equal(hours[hours.length - 1].readings, 2);
  });

  it('starts at the first reading and stops after 744 hours (31 days)', async () => {
    const hours = await statistics(0, '2023-01-01T00:00:00Z');
    assert.equal(hours.length, 744);
    assert.equal(hours[0].start, new Date(FEB_1 * 1000).toISOString());
    assert.equal(hours[0].sum, hours[0].value);
    assert.deepEqual(hours, await fromReadings(0, hours));
    // From a few hours before the first reading: the same hours.
    assert.deepEqual(
      (await statistics(0, new Date(FEB_1 * 1000 - 5 * HOUR).toISOString())).slice(0, 3),
      hours.slice(0, 3),
    );
    // Continuing from the last hour: the next hours carry the sum on.
    const next = await statistics(0, hours[743].end);
    assert.equal(milli(next[0].sum) - milli(next[0].value), milli(hours[743].sum));
    assert.deepEqual(await statistics(0, '2030-01-01T00:00:00Z'), []);
  });

  it('after a correction, asked again from the window the change feed reports: the corrected hour, and every sum after it shifted by the delta', async () => {
    const since = '2024-03-10T00:00:00Z';
    const before = await statistics(0, since);
    await system.load('corrected.xml', corrected);
    const feed = (
      await data(
        `{ usagePoint(id: "${points[0]}") { changes(since: "${since}", first: 10) { edges { node { from revised } } } } }`,
      )
    ).usagePoint.changes;
    const change = feed.edges[feed.edges.length - 1];
    assert.equal(change.node.revised, 1);
    const hours = await statistics(0, change.node.from);
    assert.deepEqual(hours, await fromReadings(0, hours));
    const revisedHour = Math.floor(((FEB_1 + REVISED * 900) * 1000) / HOUR) * HOUR;
    const earlier = new Map(before.map((hour) => [hour.start, hour]));
    for (const hour of hours) {
      const old = earlier.get(hour.start);
      if (!old) continue;
      const at = Date.parse(hour.start);
      assert.equal(milli(hour.value) - milli(old.value), at === revisedHour ? BigInt(DELTA) : 0n, hour.start);
      assert.equal(milli(hour.sum) - milli(old.sum), at >= revisedHour ? BigInt(DELTA) : 0n, hour.start);
    }
  });

  it('is scoped like the usage point, and null without a series in the direction', async () => {
    const own = await system.api.token(Role.CUSTOMER, customers[1]);
    assert.ok((await statistics(1, '2024-03-11T00:00:00Z', own)).length > 0);
    assert.equal(
      (await data(`{ usagePoint(id: "${points[0]}") { statistics(since: "2024-03-11T00:00:00Z") { sum } } }`, own))
        .usagePoint,
      null,
    );
    assert.equal(
      (
        await data(
          `{ usagePoint(id: "${points[1]}") { statistics(since: "2024-03-11T00:00:00Z", direction: RECEIVED) { sum } } }`,
        )
      ).usagePoint.statistics,
      null,
    );
  });

  it('in a zone with a :30 offset: UTC hours, the running sum from rollups of its local days', async () => {
    // Kolkata (UTC+5:30): local days start at 18:30 UTC, so the day before since is split off mid-hour.
    const household = await seedHousehold(
      system.db.db,
      'Kolkata',
      'Asia/Kolkata',
      new Date('2024-04-20T00:00:00Z'),
      new Date('2024-06-03T00:00:00Z'),
      { seed: 3 },
    );
    ids.push(household.usagePointId);
    points.push(toGlobalId('UsagePoint', household.usagePointId));
    const hours = await statistics(points.length - 1, '2024-06-01T12:00:00Z');
    assert.deepEqual([hours[0].start, hours.length], ['2024-06-01T12:00:00.000Z', 36]);
    assert.deepEqual(hours, await fromReadings(points.length - 1, hours));
  });
});
