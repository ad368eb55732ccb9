import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { toGlobalId } from '../../src/services/access/global-id';
import { seedCustomer, seedUsagePoint } from './support/seed';
import { startApiSystem, type ApiSystem, type GraphQLResponse } from './support/api-system';

// Services name the argument of their call at fault (src/services/errors.ts); the GraphQL edge prefixes the field that
// was asked for, by its name whatever alias the client gave it, and keeps the codes clients branch on.

describe('domain errors and permissions at the GraphQL and HTTP edges', { timeout: 120_000 }, () => {
  let api: ApiSystem;
  let admin: string;
  let usagePoint: string;

  before(async () => {
    api = await startApiSystem();
    const db = api.system.database.dataSource;
    const { accountId } = await seedCustomer(db, 'Edge Case');
    usagePoint = toGlobalId('UsagePoint', await seedUsagePoint(db, accountId, 'America/New_York'));
    admin = await api.token(Role.ADMIN);
  });
  after(() => api?.stop());

  const only = (response: GraphQLResponse) => {
    assert.equal(response.errors?.length, 1, JSON.stringify(response.errors));
    return response.errors[0];
  };

  it('answers invalid input with BAD_USER_INPUT and the path field → argument, the field by its name, not its alias', async () => {
    const range = 'from: "2024-01-01T00:00:00Z", to: "2024-02-01T00:00:00Z"';
    const reversed = 'from: "2024-02-01T00:00:00Z", to: "2024-01-01T00:00:00Z"';
    const cases: [string, string[], RegExp][] = [
      [
        `usagePoint(id: "${usagePoint}") { year: usage(${range}, resolution: DAY, timeZone: "Mars/Olympus_Mons") { unit } }`,
        ['usage', 'timeZone'],
        /unknown time zone/,
      ],
      [
        `usagePoint(id: "${usagePoint}") { usage(from: "2024-01-01T00:00:00Z", to: "2024-03-01T00:00:00Z", resolution: INTERVAL) { unit } }`,
        ['usage', 'to'],
        /too large/,
      ],
      [
        `usagePoint(id: "${usagePoint}") { days: completeness(${reversed}) { dataThrough } }`,
        ['completeness', 'from'],
        /before/,
      ],
      [
        `usagePoint(id: "${usagePoint}") { raw: intervals(${reversed}, first: 10) { edges { cursor } } }`,
        ['intervals', 'from'],
        /before/,
      ],
      [
        `queue(name: IMPORTS) { recent: throughput(minutes: 0) { completed } }`,
        ['throughput', 'minutes'],
        /minutes must be/,
      ],
      [`loads: importBatches(first: 1, ${reversed}) { edges { cursor } }`, ['importBatches', 'to'], /before/],
    ];
    for (const [query, field, message] of cases) {
      const response = await api.query(`{ ${query} }`, {}, admin);
      // Met while resolving a field: the answer is still a 200 with the rest of the data.
      assert.equal(response.status, 200, query);
      const error = only(response);
      assert.deepEqual(
        error.extensions,
        { code: 'BAD_USER_INPUT', field, requestId: error.extensions?.requestId },
        query,
      );
      assert.match(error.message, message, query);
    }
  });

  it('answers a role without the permission with FORBIDDEN and no token with UNAUTHENTICATED, naming no field', async () => {
    const forbidden = only(await api.query('{ queues { name } }', {}, await api.token(Role.CSR)));
    assert.deepEqual(Object.keys(forbidden.extensions ?? {}).sort(), ['code', 'requestId']);
    assert.equal(forbidden.extensions?.code, 'FORBIDDEN');
    assert.equal(forbidden.message, 'Only OPS and ADMIN may read queues, jobs, imports and metrics');
    const start = only(
      await api.query('mutation { odsExtractStart(input: {}) { jobId } }', {}, await api.token(Role.OPS)),
    );
    assert.deepEqual(
      [start.extensions?.code, start.message],
      ['FORBIDDEN', 'Only an ADMIN may start imports and extracts'],
    );
    const anonymous = only(await api.query('{ customers(first: 1) { edges { cursor } } }'));
    assert.deepEqual(Object.keys(anonymous.extensions ?? {}).sort(), ['code', 'requestId']);
    assert.equal(anonymous.extensions?.code, 'UNAUTHENTICATED');
  });

  it('answers the HTTP entry points from the same permission table: 401 and 403 JSON errors, the sign-in page a 403', async () => {
    const base = api.system.http?.url as string;
    const metrics = await fetch(`${base}/metrics`, {
      headers: { authorization: `Bearer ${await api.token(Role.CSR)}` },
    });
    const body = (await metrics.json()) as Record<string, unknown>;
    assert.equal(metrics.status, 403);
    assert.deepEqual(body, {
      error: 'Only OPS and ADMIN may read queues, jobs, imports and metrics',
      code: 'FORBIDDEN',
      requestId: body.requestId,
    });
    assert.equal(typeof body.requestId, 'string');
    const anonymous = await fetch(`${base}/metrics`, { headers: { accept: 'application/json' } });
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { code: string }).code, 'UNAUTHENTICATED');
    const signIn = (token: string) =>
      fetch(`${base}/admin/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
    const refused = await signIn(await api.token(Role.CSR));
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /Only OPS and ADMIN may use the admin pages/);
    assert.equal((await signIn(await api.token(Role.OPS))).status, 303);
  });
});
