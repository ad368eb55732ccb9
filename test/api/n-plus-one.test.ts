import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { graphql, type GraphQLSchema } from 'graphql';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { poolOf } from '../../src/db/pool';
import { createLogger } from '../../src/logger';
import { buildPortalSchema } from '../../src/resolvers/build-schema';
import type { GraphQLContext } from '../../src/schema/context';
import { RequestServices } from '../../src/services/request-services';
import { toGlobalId } from '../../src/services/access/global-id';
import { CSR, openApiDatabase, type ApiDatabase } from './support/database';
import { seedChange, seedHousehold, seedSummary, seedUsagePoint } from './support/seed';

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The query, with `count` selected in every connection. */
const query = (count = '') => `query($first: Int!) {
  customers(first: $first) { ${count} edges { node { name accounts(first: 10) { ${count} edges { node { accountNumber
    usagePoints(first: 10) { ${count} edges { node { id timeZone
      account { customer { name } }
      serviceLocation { city }
      meters { serialNumber }
      meterReadings(first: 10) { ${count} edges { node { readingType { unit intervalLength } usagePoint { id } } } }
      usage(from: "2024-06-01T09:30:00Z", to: "2024-06-03T17:00:00Z", resolution: DAY) { total buckets { value readings } }
      hourly: usage(from: "2024-06-01T00:00:00Z", to: "2024-06-02T00:00:00Z", resolution: HOUR) { total }
      completeness(from: "2024-06-01T00:00:00Z", to: "2024-06-04T00:00:00Z") { dataThrough days { received } }
      intervals(from: "2024-06-01T00:00:00Z", to: "2024-06-02T00:00:00Z", first: 3) { ${count} edges { node { value } } }
      summaries(first: 5) { ${count} edges { node { billLastPeriod lineItems { amount } } } }
      changes(since: "2024-01-01T00:00:00Z", first: 5) { ${count} edges { node { inserted
        revisions(first: 5) { ${count} edges { node { oldValue newValue meterReading { id } } } } } } }
      statistics(since: "2024-06-02T10:00:00Z") { sum }
    } } } } } } } } }
}`;

/**
 * The DataSource, counting the statements run through it: its own `query`, and its pool's (prepared statements)
 * until `stop()`.
 */
function counting(db: DataSource): { db: DataSource; count: () => number; stop: () => void } {
  let statements = 0;
  const counted = <F extends (...args: never[]) => unknown>(query: F, self: object) =>
    ((...args: Parameters<F>) => {
      statements += 1;
      return query.apply(self, args);
    }) as F;
  const proxy = new Proxy(db, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      return property === 'query' && typeof value === 'function' ? counted(value, object) : value;
    },
  });
  const pool = poolOf(db) as Pool;
  pool.query = counted(pool.query, pool);
  const stop = () => {
    delete (pool as Partial<Pool>).query;
  };
  return { db: proxy, count: () => statements, stop };
}

describe(
  'DataLoaders: the number of SQL statements does not grow with the number of objects',
  { timeout: 120_000 },
  () => {
    let api: ApiDatabase;
    let schema: GraphQLSchema;
    let billed: string;

    before(async () => {
      api = await openApiDatabase('api_nplus1');
      schema = await buildPortalSchema();
      for (let i = 0; i < 12; i += 1) {
        const zone = ['America/Denver', 'Europe/Paris', 'Asia/Tokyo'][i % 3];
        const household = await seedHousehold(
          api.db,
          `Customer ${i}`,
          zone,
          new Date('2024-05-31T00:00:00Z'),
          new Date('2024-06-04T00:00:00Z'),
          { seed: i },
        );
        await seedSummary(api.db, household.usagePointId, new Date('2024-05-01T00:00:00Z'));
        await seedChange(api.db, household, [new Date('2024-06-01T10:00:00Z'), new Date('2024-06-01T10:15:00Z')]);
        // A second usage point on the same account, without readings.
        await api.db.query(`UPDATE usage_point SET customer_account_id = $1 WHERE id = $2`, [
          household.accountId,
          await seedUsagePoint(api.db, null, zone),
        ]);
        // The first: a year of bills, the first days of June over the readings (whole days and a partial one).
        if (i === 0) {
          billed = household.usagePointId;
          for (let month = 0; month < 12; month += 1)
            if (month !== 4) await seedSummary(api.db, billed, new Date(Date.UTC(2024, month, month === 5 ? 1 : 2, 6)));
        }
      }
    });
    after(() => api.close());

    async function statementsFor(
      first: number,
      totalCount = '',
      source = query(totalCount),
      variables: Record<string, unknown> = {},
    ): Promise<{ statements: number; usagePoints: number; data: unknown }> {
      const { db, count, stop } = counting(api.db);
      const contextValue: GraphQLContext = {
        requestId: 'test',
        logger: createLogger('silent'),
        principal: CSR,
        clientAddress: 'test',
        services: new RequestServices(db, CSR),
      };
      const result = await graphql({ schema, source, variableValues: { first, ...variables }, contextValue }).finally(
        stop,
      );
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const usagePoints = (JSON.stringify(result.data).match(/"timeZone"/g) ?? []).length;
      return { statements: count(), usagePoints, data: result.data };
    }

    it('runs the same statements for 2 customers as for 12, every level batched', async () => {
      const small = await statementsFor(2);
      const large = await statementsFor(12);
      assert.equal(small.usagePoints, 4);
      assert.equal(large.usagePoints, 24);
      assert.equal(large.statements, small.statements);
      // customers, accounts, usage points, accounts and customers of usage points, locations, meters, meter readings
      // (page and all), reading types, usage points of meter readings, raw and daily sums (two usage() and one
      // completeness()), latest readings, intervals per series, summaries, line items, changes, their revisions, and
      // the statistics' first readings, monthly and daily rollups and hours.
      assert.ok(large.statements <= 30, `${large.statements} statements`);
    });

    it('counts only what totalCount asks for, one statement per connection level', async () => {
      const small = await statementsFor(2, 'totalCount');
      const large = await statementsFor(12, 'totalCount');
      assert.equal(large.statements, small.statements);
      // customers, accounts, usage points, meter readings, intervals, summaries, changes, revisions: one count each.
      assert.equal(large.statements, (await statementsFor(12)).statements + 8);
    });

    it("reconciles a page of bills in the same statements for 2 bills as for 12: the bills' usage() reads are batched", async () => {
      const bills = `query($first: Int!, $id: ID!) { usagePoint(id: $id) { summaries(first: $first) { edges { node {
      lineItems { amount } reconciliation { intervalCost lineItemsTotal difference readings expected } } } } } }`;
      const id = toGlobalId('UsagePoint', billed);
      const two = await statementsFor(2, '', bills, { id });
      const twelve = await statementsFor(12, '', bills, { id });
      const reconciled = (twelve.data as Data).usagePoint.summaries.edges.map((e: Data) => e.node.reconciliation);
      assert.equal(reconciled.length, 12);
      assert.ok(
        reconciled.some((r: Data) => r.readings > 0 && r.intervalCost !== null),
        JSON.stringify(reconciled),
      );
      assert.equal(twelve.statements, two.statements);
      // The usage point with its series, the page, line items, daily rollups and raw sums.
      assert.ok(twelve.statements <= 6, `${twelve.statements} statements`);
    });
  },
);
