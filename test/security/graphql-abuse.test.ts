import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { DEFAULT_QUERY_LIMITS } from '../../src/http/query-limits';
import { buildPortalSchema } from '../../src/resolvers/build-schema';
import { toGlobalId } from '../../src/services/access/global-id';
import { seedCustomer, seedUsagePoint } from '../api/support/seed';
import { startApiSystem, type ApiSystem } from '../api/support/api-system';

// Abuse of the GraphQL edge (and the ESPI REST ids), over HTTP against the API process as deployed:
// documents that expand, arguments that would fool the pricing, names and ids that match nothing, and what errors
// tell an outsider in production. Every refusal is a 4xx with a code, and none costs the caller's budget.

/** Beyond a PostgreSQL bigint by one. */
const HUGE = '9223372036854775808';
const cursorOf = (key: string) => Buffer.from(`k:${key}`).toString('base64url');

interface Answer {
  status: number;
  ms: number;
  body: {
    data?: unknown;
    errors?: { message: string; extensions?: { code?: string; field?: string[] } }[];
    extensions?: { cost?: { remaining: number } };
  };
}

/** `query { ...F<levels> }`, each fragment spreading the previous one twice: 2^levels `viewer { role }` in a few hundred bytes. */
function fragmentBomb(levels: number, leaf = 'viewer { role }'): string {
  const fragments = [`fragment F0 on Query { ${leaf} }`];
  for (let i = 1; i <= levels; i += 1) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
  return `query { ...F${levels} }\n${fragments.join('\n')}`;
}

/** Every refusal the abuse suite provokes must look like this: a client status and a code a client can branch on. */
function assertClientError(answer: Answer, code: string, what: string): void {
  assert.ok(answer.status >= 400 && answer.status < 500, `${what}: status ${answer.status}`);
  const codes = (answer.body.errors ?? []).map((e) => e.extensions?.code);
  assert.ok(
    codes.length > 0 && codes.every((c) => c === code),
    `${what}: codes ${JSON.stringify(codes)}, expected ${code}`,
  );
}

describe('GraphQL abuse: expansion, pricing, resolution, ids, schema disclosure', { timeout: 180_000 }, () => {
  let api: ApiSystem;
  let graphqlUrl: string;
  let admin: string;
  let customer: string;
  let usagePoint: string;

  before(async () => {
    api = await startApiSystem();
    graphqlUrl = `${api.system.http?.url}/graphql`;
    const db = api.system.database.dataSource;
    const { customerId, accountId } = await seedCustomer(db, 'Abuse Target');
    usagePoint = toGlobalId('UsagePoint', await seedUsagePoint(db, accountId, 'America/New_York'));
    admin = await api.token(Role.ADMIN, undefined, 'abuse-admin');
    customer = await api.token(Role.CUSTOMER, toGlobalId('Customer', customerId), 'abuse-customer');
  });
  after(() => api?.stop());

  async function post(body: Record<string, unknown>, token?: string): Promise<Answer> {
    const started = performance.now();
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const parsed = (await response.json()) as Answer['body'];
    return { status: response.status, ms: performance.now() - started, body: parsed };
  }

  /** The budget left to a principal: a query costing 2 points, so a full bucket reports 49 998. */
  async function remaining(token: string): Promise<number> {
    const answer = await post({ query: '{ viewer { role } }' }, token);
    return answer.body.extensions?.cost?.remaining ?? NaN;
  }

  describe('F1: documents that expand are refused before any work grows with them', () => {
    it('refuses fragment bombs of 21, 30 and 40 levels with QUERY_TOO_COMPLEX within a second, without a token', async () => {
      for (const levels of [21, 30, 40]) {
        const answer = await post({ query: fragmentBomb(levels) });
        assertClientError(answer, 'QUERY_TOO_COMPLEX', `F${levels}`);
        assert.match(answer.body.errors?.[0].message ?? '', /more than 2000/);
        assert.ok(answer.ms < 1_000, `F${levels} answered in ${Math.round(answer.ms)} ms`);
      }
    });

    it('keeps /healthz answering while bombs arrive', async () => {
      const bombs = Array.from({ length: 8 }, (_, i) => post({ query: fragmentBomb(30 + i) }));
      const started = performance.now();
      const health = await fetch(`${api.system.http?.url}/healthz`);
      const healthMs = performance.now() - started;
      assert.equal(health.status, 200);
      assert.ok(healthMs < 1_000, `/healthz answered in ${Math.round(healthMs)} ms`);
      for (const answer of await Promise.all(bombs))
        assertClientError(answer, 'QUERY_TOO_COMPLEX', 'bomb beside /healthz');
    });

    it('counts depth and aliases through doubling fragments too', async () => {
      const aliases = await post({ query: fragmentBomb(25, 'a: viewer { role }') });
      assertClientError(aliases, 'QUERY_TOO_COMPLEX', 'aliases');
      assert.match(aliases.body.errors?.[0].message ?? '', /33554432 aliases, more than 30/);
      // usagePoints → account → usagePoints …: four levels a turn.
      const nest = (turns: number): string =>
        `usagePoints(first: 1) { edges { node { ${turns === 0 ? 'id' : `account { ${nest(turns - 1)} }`} } } }`;
      const deep = await post({ query: `query { ...D }\nfragment D on Query { ${nest(4)} }` }, admin);
      assertClientError(deep, 'QUERY_TOO_COMPLEX', 'depth');
      assert.match(deep.body.errors?.[0].message ?? '', /depth 20 exceeds 16/);
      assert.ok(aliases.ms < 1_000 && deep.ms < 1_000);
    });

    it('refuses same-named fields before validation compares them pair by pair, also collected from fragments', async () => {
      const limit = DEFAULT_QUERY_LIMITS.maxSameNameFields;
      const repeated = (n: number) => 'viewer { role } '.repeat(n);
      const documents = {
        'one selection set': `{ ${repeated(DEFAULT_QUERY_LIMITS.maxTokens / 4 - 1)} }`,
        'fragments and inline fragments': `{ ...A ...B ... on Query { ${repeated(limit)} } }\nfragment A on Query { ${repeated(limit)} }\nfragment B on Query { ...A ${repeated(2)} }`,
        'a nested selection set': `{ usagePoints(first: 1) { edges { ${'node { id } '.repeat(limit + 1)} } } }`,
      };
      for (const [what, query] of Object.entries(documents)) {
        const answer = await post({ query });
        assertClientError(answer, 'QUERY_TOO_COMPLEX', what);
        assert.match(answer.body.errors?.[0].message ?? '', /one field name \d+ times/, what);
        assert.ok(answer.ms < 1_000, `${what}: answered in ${Math.round(answer.ms)} ms`);
      }
      // At the limit, graphql-js validates as usual (same fields merge, so the query is valid).
      const atLimit = await post({ query: `{ ${repeated(limit)} }` }, admin);
      assert.equal(atLimit.status, 200);
      assert.deepEqual(atLimit.body.errors, undefined);
    });

    it('stops parsing past the token limit', async () => {
      const answer = await post({ query: `{ ${'viewer { role } '.repeat(DEFAULT_QUERY_LIMITS.maxTokens / 4)} }` });
      assertClientError(answer, 'GRAPHQL_PARSE_FAILED', 'tokens');
      assert.match(answer.body.errors?.[0].message ?? '', /Document contains more tha. 5000 tokens/);
      assert.ok(answer.ms < 1_000, `answered in ${Math.round(answer.ms)} ms`);
    });
  });

  describe('F3: every `first` is checked before the operation is priced', () => {
    const from = '2024-01-01T05:00:00Z';
    const to = '2024-02-01T05:00:00Z';
    // A field with a `first` argument, reached from Query, with the page sizes it serves.
    const lists: { coordinate: string; max: number; query: (first: string) => string }[] = [
      {
        coordinate: 'Query.customers',
        max: 100,
        query: (first) => `customers(first: ${first}) { edges { node { id } } }`,
      },
      {
        coordinate: 'Customer.accounts',
        max: 100,
        query: (first) =>
          `customers(first: 1) { edges { node { accounts(first: ${first}) { edges { node { id } } } } } }`,
      },
      {
        coordinate: 'Query.usagePoints',
        max: 100,
        query: (first) => `usagePoints(first: ${first}) { edges { node { id } } }`,
      },
      {
        coordinate: 'CustomerAccount.usagePoints',
        max: 100,
        query: (first) =>
          `customers(first: 1) { edges { node { accounts(first: 1) { edges { node { usagePoints(first: ${first}) { edges { node { id } } } } } } } } }`,
      },
      {
        coordinate: 'UsagePoint.meterReadings',
        max: 100,
        query: (first) =>
          `usagePoint(id: "${usagePoint}") { meterReadings(first: ${first}) { edges { node { id } } } }`,
      },
      {
        coordinate: 'UsagePoint.summaries',
        max: 100,
        query: (first) => `usagePoint(id: "${usagePoint}") { summaries(first: ${first}) { edges { node { id } } } }`,
      },
      {
        coordinate: 'UsagePoint.changes',
        max: 100,
        query: (first) =>
          `usagePoint(id: "${usagePoint}") { changes(since: "${from}", first: ${first}) { edges { node { id } } } }`,
      },
      {
        coordinate: 'UsageChange.revisions',
        max: 100,
        query: (first) =>
          `usagePoint(id: "${usagePoint}") { changes(since: "${from}", first: 1) { edges { node { revisions(first: ${first}) { edges { node { newValue } } } } } } }`,
      },
      {
        coordinate: 'UsagePoint.intervals',
        max: 1000,
        query: (first) =>
          `usagePoint(id: "${usagePoint}") { intervals(from: "${from}", to: "${to}", first: ${first}) { edges { node { value } } } }`,
      },
      {
        coordinate: 'Query.webhookDeliveries',
        max: 100,
        query: (first) => `webhookDeliveries(first: ${first}) { edges { node { id } } }`,
      },
      { coordinate: 'Query.alerts', max: 100, query: (first) => `alerts(first: ${first}) { edges { node { id } } }` },
      {
        coordinate: 'Query.importBatches',
        max: 100,
        query: (first) => `importBatches(first: ${first}) { edges { node { id } } }`,
      },
      {
        coordinate: 'JobQueue.jobs',
        max: 100,
        query: (first) => `queue(name: IMPORTS) { jobs(state: FAILED, first: ${first}) { edges { node { jobId } } } }`,
      },
    ];

    it('covers every field of the schema that takes `first`', async () => {
      const schema = await buildPortalSchema();
      const withFirst: string[] = [];
      for (const type of Object.values(schema.getTypeMap())) {
        if (!('getFields' in type) || type.name.startsWith('__')) continue;
        for (const field of Object.values(type.getFields()))
          if ('args' in field && field.args.some((arg: { name: string }) => arg.name === 'first'))
            withFirst.push(`${type.name}.${field.name}`);
      }
      assert.deepEqual(withFirst.sort(), lists.map((l) => l.coordinate).sort());
    });

    it('refuses a negative, zero or oversized `first` on each with BAD_USER_INPUT and the field, beside costly aliases, charging nothing', async () => {
      // Three months of quarter-hours, each alone just under the cost limit together: a price nobody should be charged.
      const costly = [1, 2, 3]
        .map(
          (i) =>
            `u${i}: usagePoint(id: "${usagePoint}") { usage(from: "${from}", to: "${to}", resolution: INTERVAL) { total } }`,
        )
        .join(' ');
      const token = await api.token(Role.ADMIN, undefined, 'abuse-first');
      const before = await remaining(token);
      for (const list of lists) {
        const name = list.coordinate.split('.')[1];
        for (const first of ['-2000000000', '0', String(list.max + 1), '2147483647']) {
          const answer = await post({ query: `{ ${costly} ${list.query(first)} }` }, token);
          assertClientError(answer, 'BAD_USER_INPUT', `${list.coordinate} first: ${first}`);
          assert.equal(answer.status, 400);
          assert.deepEqual(answer.body.errors?.[0].extensions?.field, [name, 'first'], list.coordinate);
          assert.equal(answer.body.errors?.[0].message, `first must be between 1 and ${list.max}`);
        }
        const viaVariable = await post(
          { query: `query ($n: Int!) { ${list.query('$n')} }`, variables: { n: -5 } },
          token,
        );
        assertClientError(viaVariable, 'BAD_USER_INPUT', `${list.coordinate} via a variable`);
      }
      // Each refusal would have cost some 9 000 points: none was charged (the probes cost 2 each).
      assert.ok((await remaining(token)) >= before - 2, 'refused operations were not charged');
      for (const list of lists) {
        // The largest page is served.
        const largest = await post({ query: `{ ${list.query(String(list.max))} }` }, token);
        assert.equal(largest.body.errors, undefined, `${list.coordinate}: ${JSON.stringify(largest.body.errors)}`);
      }
    });

    it('refuses the same for a CUSTOMER', async () => {
      const answer = await post(
        {
          query: `{ usagePoint(id: "${usagePoint}") { intervals(from: "${from}", to: "${to}", first: -2000000000) { edges { node { value } } } } }`,
        },
        customer,
      );
      assertClientError(answer, 'BAD_USER_INPUT', 'customer');
      assert.deepEqual(answer.body.errors?.[0].extensions?.field, ['intervals', 'first']);
    });
  });

  describe('F6: names and ids that match nothing', () => {
    it('answers an unknown or empty operationName with 400 OPERATION_RESOLUTION_FAILURE', async () => {
      for (const operationName of ['Nope', '']) {
        const answer = await post({ query: 'query Mine { viewer { role } }', operationName }, customer);
        assertClientError(answer, 'OPERATION_RESOLUTION_FAILURE', `operationName ${JSON.stringify(operationName)}`);
        assert.equal(answer.status, 400);
      }
      const several = await post({ query: 'query A { viewer { role } } query B { viewer { role } }' }, customer);
      assertClientError(several, 'OPERATION_RESOLUTION_FAILURE', 'several operations, no name');
    });

    it('treats ids beyond a bigint as no id: null, BAD_USER_INPUT where an id is required', async () => {
      for (const type of ['UsagePoint', 'Customer', 'MeterReading'] as const) {
        const answer = await post({ query: `{ node(id: "${toGlobalId(type, HUGE)}") { id } }` }, admin);
        assert.equal(answer.status, 200);
        assert.deepEqual(answer.body, { data: { node: null }, extensions: answer.body.extensions }, type);
      }
      const reading = await post(
        { query: `{ node(id: "${toGlobalId('IntervalReading', '1', '1', '9223372036854775807')}") { id } }` },
        admin,
      );
      assert.deepEqual(reading.body.data, { node: null });
      const point = await post({ query: `{ usagePoint(id: "${toGlobalId('UsagePoint', HUGE)}") { id } }` }, admin);
      assert.deepEqual(point.body.data, { usagePoint: null });
      const download = await post(
        {
          query: `mutation { usagePointDownload(input: { usagePointIds: ["${toGlobalId('UsagePoint', HUGE)}"], from: "2024-01-01T00:00:00Z", to: "2024-02-01T00:00:00Z" }) { url userErrors { code field } } }`,
        },
        admin,
      );
      assert.deepEqual(download.body.data, {
        usagePointDownload: { url: null, userErrors: [{ code: 'BAD_USER_INPUT', field: ['input', 'usagePointIds'] }] },
      });
    });

    it('answers cursors beyond a bigint, or beyond any date, with BAD_USER_INPUT on `after`', async () => {
      const cases: [string, string[]][] = [
        [`customers(first: 1, after: "${cursorOf(HUGE)}") { edges { node { id } } }`, ['customers', 'after']],
        [`importBatches(first: 1, after: "${cursorOf(HUGE)}") { edges { node { id } } }`, ['importBatches', 'after']],
        // Job cursors are positions in BullMQ's list: from 0 up to what a JS number counts exactly.
        [
          `queue(name: IMPORTS) { jobs(state: FAILED, first: 1, after: "${cursorOf('9223372036854775807')}") { edges { node { jobId } } } }`,
          ['jobs', 'after'],
        ],
        [
          `queue(name: IMPORTS) { jobs(state: FAILED, first: 1, after: "${cursorOf('-5')}") { edges { node { jobId } } } }`,
          ['jobs', 'after'],
        ],
        [
          `usagePoint(id: "${usagePoint}") { meterReadings(first: 1, after: "${cursorOf(HUGE)}") { edges { node { id } } } }`,
          ['meterReadings', 'after'],
        ],
        [
          `usagePoint(id: "${usagePoint}") { intervals(from: "2024-01-01T00:00:00Z", to: "2024-01-02T00:00:00Z", first: 1, after: "${cursorOf('9223372036854775807')}") { edges { node { value } } } }`,
          ['intervals', 'after'],
        ],
      ];
      for (const [query, field] of cases) {
        const answer = await post({ query: `{ ${query} }` }, admin);
        assert.ok(answer.status < 500, `${field.join('.')}: ${answer.status}`);
        assert.equal(answer.body.errors?.[0].extensions?.code, 'BAD_USER_INPUT', JSON.stringify(answer.body.errors));
        assert.deepEqual(answer.body.errors?.[0].extensions?.field, field);
      }
    });

    it('answers ESPI REST ids beyond a bigint with 404, as any unknown id', async () => {
      const base = `${api.system.http?.url}/espi/1_1/resource`;
      for (const path of [
        `/UsagePoint/${toGlobalId('UsagePoint', HUGE)}`,
        `/UsagePoint/${toGlobalId('UsagePoint', HUGE)}/MeterReading`,
        `/MeterReading/${toGlobalId('MeterReading', HUGE)}/IntervalBlock`,
        `/Batch/RetailCustomer/${toGlobalId('Customer', HUGE)}/UsagePoint`,
      ]) {
        const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${admin}` } });
        assert.equal(response.status, 404, path);
        const body = (await response.json()) as { error: string; requestId: string };
        assert.equal(body.error, 'no such resource');
        assert.ok(body.requestId);
      }
    });
  });

  it('answers every request a client gets wrong at the GraphQL edge with a 4xx and a code', async () => {
    const usage = JSON.stringify({ query: `{ usagePoint(id: "${usagePoint}") { id } }` });
    const requests: { name: string; init: RequestInit; code: string }[] = [
      { name: 'not JSON', init: { method: 'POST', body: '{"query": ' }, code: 'BAD_REQUEST' },
      { name: 'JSON null', init: { method: 'POST', body: 'null' }, code: 'BAD_REQUEST' },
      { name: 'an empty body', init: { method: 'POST', body: '' }, code: 'BAD_REQUEST' },
      {
        name: 'over 1 MB',
        init: { method: 'POST', body: JSON.stringify({ query: `{ viewer { role } } #${'x'.repeat(1_100_000)}` }) },
        code: 'PAYLOAD_TOO_LARGE',
      },
      {
        name: 'an unknown charset',
        init: { method: 'POST', body: usage, headers: { 'content-type': 'application/json; charset=klingon' } },
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        name: 'an unknown content encoding',
        init: { method: 'POST', body: usage, headers: { 'content-encoding': 'compress' } },
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        name: 'a gzip header on a plain body',
        init: { method: 'POST', body: usage, headers: { 'content-encoding': 'gzip' } },
        code: 'BAD_REQUEST',
      },
      {
        name: 'text/plain (CSRF)',
        init: { method: 'POST', body: usage, headers: { 'content-type': 'text/plain' } },
        code: 'BAD_REQUEST',
      },
      { name: 'a batch', init: { method: 'POST', body: `[${usage}]` }, code: 'BAD_REQUEST' },
      { name: 'no query', init: { method: 'POST', body: '{"variables": {}}' }, code: 'BAD_REQUEST' },
      { name: 'GET without a query', init: { method: 'GET' }, code: 'BAD_REQUEST' },
      {
        name: 'a syntax error',
        init: { method: 'POST', body: '{"query": "{ viewer { role }"}' },
        code: 'GRAPHQL_PARSE_FAILED',
      },
      {
        name: 'an unknown field',
        init: { method: 'POST', body: '{"query": "{ nope }"}' },
        code: 'GRAPHQL_VALIDATION_FAILED',
      },
      {
        name: 'a variable of the wrong type',
        init: {
          method: 'POST',
          body: JSON.stringify({
            query: 'query ($n: Int!) { customers(first: $n) { edges { node { id } } } }',
            variables: { n: 'ten' },
          }),
        },
        code: 'BAD_USER_INPUT',
      },
      { name: 'a mutation over GET', init: { method: 'GET' }, code: 'BAD_REQUEST' },
    ];
    for (const { name, init, code } of requests) {
      const url =
        name === 'a mutation over GET'
          ? `${graphqlUrl}?query=${encodeURIComponent('mutation { queuePause(input: { queue: IMPORTS }) { userErrors { code } } }')}`
          : graphqlUrl;
      for (const token of [admin, undefined]) {
        const response = await fetch(url, {
          ...init,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'apollo-require-preflight': name === 'text/plain (CSRF)' ? '' : 'yes',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(init.headers as Record<string, string>),
          },
        });
        const body = (await response.json()) as Answer['body'];
        assertClientError({ status: response.status, ms: 0, body }, code, `${name}${token ? '' : ', no token'}`);
      }
    }
    const badToken = await post({ query: '{ viewer { role } }' }, 'not-a-token');
    assertClientError(badToken, 'UNAUTHENTICATED', 'a bad token');
  });

  describe('F9: production errors do not spell out the schema', () => {
    let production: ApiSystem;
    before(async () => {
      production = await startApiSystem({ NODE_ENV: 'production' });
    });
    after(() => production?.stop());

    it('suggests no field, argument, type or enum value', async () => {
      const token = await production.token(Role.ADMIN, undefined, 'prod-admin');
      const probes: [string, Record<string, unknown>][] = [
        ['{ usagePont(id: "x") { id } }', {}],
        ['{ usagePoint(id: "x") { usag { total } } }', {}],
        ['{ usagePoints(firs: 1) { edges { node { id } } } }', {}],
        ['query ($r: Resolutio!) { viewer { role } }', {}],
        [
          `{ usagePoint(id: "x") { usage(from: "2024-01-01T00:00:00Z", to: "2024-01-02T00:00:00Z", resolution: DAYS) { total } } }`,
          {},
        ],
        [
          `query ($r: Resolution!) { usagePoint(id: "x") { usage(from: "2024-01-01T00:00:00Z", to: "2024-01-02T00:00:00Z", resolution: $r) { total } } }`,
          { r: 'DAYS' },
        ],
      ];
      for (const [query, variables] of probes) {
        const result = await production.query(query, variables, token);
        assert.ok(result.status >= 400 && result.status < 500, `${query}: ${result.status}`);
        for (const error of result.errors ?? []) {
          assert.ok(
            typeof error.extensions?.code === 'string' && error.extensions.code !== 'INTERNAL_SERVER_ERROR',
            error.message,
          );
          assert.doesNotMatch(error.message, /Did you mean/, query);
        }
      }
      // Outside production the suggestions stay: they help whoever is writing the query.
      const development = await api.query('{ usagePont(id: "x") { id } }', {}, token);
      assert.match(development.errors?.[0].message ?? '', /Did you mean "usagePoint"/);
    });
  });
});
