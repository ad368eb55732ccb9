import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApolloServer } from '@apollo/server';
import type { Principal } from '../../src/auth/roles';
import { CostBuckets, queryLimitsPlugin, type QueryLimits } from '../../src/http/query-limits';
import { createLogger } from '../../src/logger';
import { buildPortalSchema } from '../../src/resolvers/build-schema';
import type { GraphQLContext } from '../../src/schema/context';
import { RequestServices } from '../../src/services/request-services';
import { CSR, openApiDatabase, type ApiDatabase } from './support/database';

const LIMITS: QueryLimits = {
  maxCost: 2_000,
  maxDepth: 8,
  maxAliases: 3,
  maxSelections: 200,
  maxTokens: 5_000,
  maxSameNameFields: 30,
  budgetPoints: 1_000,
  budgetRefillPerSecond: 0,
};

interface Result {
  status?: number;
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: { cost?: { requested: number; maximum: number; remaining: number } };
}

describe('query limits: cost, depth, aliases, per-principal budget', () => {
  let api: ApiDatabase;
  let server: ApolloServer<GraphQLContext>;

  before(async () => {
    api = await openApiDatabase('api_limits');
    server = new ApolloServer<GraphQLContext>({
      schema: await buildPortalSchema(),
      includeStacktraceInErrorResponses: false,
      plugins: [queryLimitsPlugin(new CostBuckets(LIMITS))],
    });
    await server.start();
  });
  after(async () => {
    await server.stop();
    await api.close();
  });

  async function run(query: string, principal: Principal = CSR): Promise<Result> {
    const contextValue: GraphQLContext = {
      requestId: 'r',
      logger: createLogger('silent'),
      principal,
      clientAddress: 'test',
      services: new RequestServices(api.db, principal),
    };
    const response = await server.executeOperation({ query }, { contextValue });
    assert.equal(response.body.kind, 'single');
    return response.body.kind === 'single'
      ? { ...(response.body.singleResult as Result), status: response.http.status }
      : {};
  }

  it('reports the cost and the remaining budget in extensions, and spends the budget', async () => {
    const principal = { ...CSR, subject: 'budget-reporter' };
    const first = await run('{ customers(first: 10) { edges { node { id name } } } }', principal);
    assert.equal(first.errors, undefined);
    // 1 + first × (edges + node + id + name) = 1 + 10 × 4
    assert.deepEqual(first.extensions?.cost, { requested: 41, maximum: 2_000, remaining: 959 });
    const second = await run('{ customers(first: 10) { edges { node { id name } } } }', principal);
    assert.equal(second.extensions?.cost?.remaining, 918);
  });

  it('prices a usage series by the buckets its range implies', async () => {
    const cost = async (resolution: string, to: string) =>
      (
        await run(
          `{ usagePoint(id: "x") { usage(from: "2024-01-01T00:00:00Z", to: "${to}", resolution: ${resolution}) { total } } }`,
          { ...CSR, subject: `price-${resolution}-${to}` },
        )
      ).extensions?.cost?.requested ?? 0;
    const month = await cost('DAY', '2024-01-31T00:00:00Z');
    const year = await cost('DAY', '2024-12-31T00:00:00Z');
    assert.equal(year - month, 335);
    const tooMuch = await run(
      '{ usagePoint(id: "x") { usage(from: "2024-01-01T00:00:00Z", to: "2024-12-31T00:00:00Z", resolution: HOUR) { total } } }',
    );
    assert.equal(tooMuch.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    assert.match(tooMuch.errors?.[0]?.message ?? '', /cost \d+ exceeds the maximum of 2000/);
  });

  it('rejects operations over the cost limit, however the cost arises (page sizes multiply)', async () => {
    const result = await run(
      '{ customers(first: 100) { edges { node { accounts(first: 100) { edges { node { id } } } } } } }',
    );
    assert.equal(result.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    assert.equal(result.data, undefined);
  });

  it('rejects queries deeper than the limit, also through fragments', async () => {
    const result = await run(`{ customers(first: 1) { ...c } }
      fragment c on CustomerConnection { edges { node { accounts(first: 1) { edges { node { usagePoints(first: 1) { edges { node { id } } } } } } } } }`);
    assert.equal(result.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    assert.match(result.errors?.[0]?.message ?? '', /depth 10 exceeds 8/);
  });

  it('rejects more aliases than allowed', async () => {
    const result = await run('{ a: viewer { role } b: viewer { role } c: viewer { role } d: viewer { role } }');
    assert.match(result.errors?.[0]?.message ?? '', /4 aliases, more than 3/);
  });

  it('rate-limits a principal whose budget is spent, without touching another principal', async () => {
    const spender = { ...CSR, subject: 'spender' };
    const big = '{ customers(first: 100) { edges { node { id name email phone } } } }'; // 1 + 100 × 6 = 601 points
    assert.equal((await run(big, spender)).errors, undefined);
    const limited = await run(big, spender);
    assert.equal(limited.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    assert.equal(limited.status, 429);
    assert.equal((await run(big, { ...CSR, subject: 'someone-else' })).errors, undefined);
  });

  it('answers user input errors with BAD_USER_INPUT and the argument path', async () => {
    const result = await run('{ customers(first: 0) { edges { node { id } } } }');
    assert.deepEqual(result.errors?.[0]?.extensions, { code: 'BAD_USER_INPUT', field: ['customers', 'first'] });
    const cursor = await run('{ customers(first: 1, after: "bm90LWEtY3Vyc29y") { edges { node { id } } } }');
    assert.deepEqual(cursor.errors?.[0]?.extensions?.field, ['customers', 'after']);
  });
});
