import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { loadPersistedQueries } from '../../src/http/persisted-queries';
import { StartupError } from '../../src/startup-error';
import { startApiSystem, type ApiSystem, type GraphQLResponse } from './support/api-system';
import { openApiDatabase, type ApiDatabase } from './support/database';
import { subscriptionClient } from './support/subscription-client';

// The mobile apps' allow-list: operations sent by id from Apollo's persisted query manifest, and nothing else.

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const VIEWER = 'query Viewer { viewer { role } }';
const CUSTOMERS = 'query Customers($n: Int!) { customers(first: $n) { totalCount } }';
const UNLISTED = '{ viewer { role customerId } }';
const operation = (body: string, name: string) => ({ id: sha256(body), name, type: 'query', body });
const WATCH = 'subscription Watch($id: ID!) { usageUpdated(usagePointId: $id) { batchId } }';
const MANIFEST = {
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations: [
    operation(VIEWER, 'Viewer'),
    operation(CUSTOMERS, 'Customers'),
    { ...operation(WATCH, 'Watch'), type: 'subscription' },
  ],
};

interface Body {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

const byId = (id: string) => ({ persistedQuery: { version: 1, sha256Hash: id } });

describe('persisted queries', { timeout: 180_000 }, () => {
  let dir: string;
  let file: string;
  let db: ApiDatabase;
  let only: ApiSystem;
  let listed: ApiSystem;
  let plain: ApiSystem;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'persisted-'));
    file = join(dir, 'manifest.json');
    writeFileSync(file, JSON.stringify(MANIFEST));
    db = await openApiDatabase('api_persisted');
    only = await startApiSystem(
      { PERSISTED_QUERIES_FILE: file, PERSISTED_QUERIES_ONLY: 'true' },
      undefined,
      db.database,
    );
    listed = await startApiSystem({ PERSISTED_QUERIES_FILE: file }, undefined, db.database);
    plain = await startApiSystem({}, undefined, db.database);
  });
  after(async () => {
    for (const api of [only, listed, plain]) await api?.stop();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (api: ApiSystem, body: Body, subject?: string): Promise<GraphQLResponse> => {
    const response = await fetch(`${api.system.http?.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await api.token(Role.CSR, undefined, subject)}`,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
  };
  const code = (response: GraphQLResponse) => response.errors?.[0].extensions?.code;

  it('runs a listed operation sent by id alone, by GET too, and its full text', async () => {
    for (const api of [only, listed]) {
      assert.deepEqual((await post(api, { extensions: byId(sha256(VIEWER)) })).data, { viewer: { role: 'CSR' } });
      const customers = await post(api, {
        operationName: 'Customers',
        variables: { n: 5 },
        extensions: byId(sha256(CUSTOMERS)),
      });
      assert.deepEqual(customers.data, { customers: { totalCount: 0 } });
      assert.deepEqual((await post(api, { query: VIEWER })).data, { viewer: { role: 'CSR' } });
      const get = await fetch(
        `${api.system.http?.url}/graphql?extensions=${encodeURIComponent(JSON.stringify(byId(sha256(VIEWER))))}`,
        {
          headers: { authorization: `Bearer ${await api.token(Role.CSR)}`, 'apollo-require-preflight': 'true' },
        },
      );
      assert.equal(get.status, 200);
      assert.deepEqual(((await get.json()) as GraphQLResponse).data, { viewer: { role: 'CSR' } });
    }
  });

  it('with the allow-list on, refuses an unknown id and any text not listed, charging nothing', async () => {
    const unknown = await post(only, { extensions: byId(sha256(UNLISTED)) });
    assert.equal(code(unknown), 'PERSISTED_QUERY_NOT_FOUND');
    assert.equal(unknown.data, undefined);

    const subject = 'allow-list-budget';
    for (const body of [
      { query: UNLISTED },
      { query: UNLISTED, extensions: byId(sha256(UNLISTED)) },
      // Not the listed text, though the same operation: the list holds documents, by their hash.
      { query: VIEWER.replace('{ viewer', '{  viewer') },
      { query: '{ __schema { types { name } } }' },
    ]) {
      const refused = await post(only, body, subject);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(code(refused), 'PERSISTED_QUERY_NOT_ALLOWED');
      assert.match(refused.errors?.[0].message ?? '', /persisted query list/);
      assert.equal(refused.data, undefined);
      assert.equal(refused.extensions?.cost, undefined, 'refused before it is priced');
    }
    // The refusals took nothing from the caller's budget.
    const allowed = await post(only, { extensions: byId(sha256(VIEWER)) }, subject);
    const cost = allowed.extensions?.cost as { requested: number; remaining: number };
    assert.equal(cost.remaining, only.config.budget.points - cost.requested);
  });

  it('without the allow-list, the list only adds ids: other documents and automatic persisted queries work as before', async () => {
    for (const api of [listed, plain]) {
      assert.deepEqual((await post(api, { query: UNLISTED })).data, { viewer: { role: 'CSR', customerId: null } });
      const text = `{ viewer { role } } # ${api === listed ? 'listed' : 'plain'}`;
      assert.equal(code(await post(api, { extensions: byId(sha256(text)) })), 'PERSISTED_QUERY_NOT_FOUND');
      assert.deepEqual((await post(api, { query: text, extensions: byId(sha256(text)) })).data, {
        viewer: { role: 'CSR' },
      });
      assert.deepEqual(
        (await post(api, { extensions: byId(sha256(text)) })).data,
        { viewer: { role: 'CSR' } },
        'registered, then by id',
      );
    }
    assert.equal(
      code(await post(plain, { extensions: byId(sha256(CUSTOMERS)) })),
      'PERSISTED_QUERY_NOT_FOUND',
      'no list, no ids',
    );
  });

  it('holds subscriptions over WebSocket to the same list: a listed one runs by id, anything else is refused', async () => {
    const client = subscriptionClient(only.system.http?.url as string, {
      authorization: `Bearer ${await only.token(Role.CSR)}`,
    });
    try {
      const variables = { id: 'not-a-usage-point' };
      const unlisted = client.subscribe('subscription { usageUpdated(usagePointId: "x") { from } }', variables);
      await unlisted.ended;
      assert.equal(
        (unlisted.received.errors[0] as { extensions: { code: string } }[])[0].extensions.code,
        'PERSISTED_QUERY_NOT_ALLOWED',
      );
      // Listed, sent by id alone: it runs, and the usage point it names is refused as in any subscription.
      const listedById = client.subscribe('', variables, byId(sha256(WATCH)));
      await listedById.ended;
      assert.equal(listedById.received.results[0].errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    } finally {
      await client.dispose();
    }
  });

  it('refuses to start on a list it cannot use, naming what is wrong', async () => {
    const write = (name: string, content: string) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };
    const wrongId = { ...MANIFEST, operations: [{ ...operation(VIEWER, 'Viewer'), id: sha256(CUSTOMERS) }] };
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.json'), /cannot be read \(ENOENT\)/],
      [write('text.json', 'query { viewer { role } }'), /is not JSON/],
      [write('relay.json', JSON.stringify({ [sha256(VIEWER)]: VIEWER })), /is not an Apollo persisted query manifest/],
      [write('v2.json', JSON.stringify({ ...MANIFEST, version: 2 })), /is not an Apollo persisted query manifest/],
      [
        write('no-body.json', JSON.stringify({ ...MANIFEST, operations: [{ id: sha256(VIEWER), name: 'Viewer' }] })),
        /operation 0 \(Viewer\) needs a string "id" and "body"/,
      ],
      [write('wrong-id.json', JSON.stringify(wrongId)), /operation 0 \(Viewer\): its id is not the sha256 of its body/],
      [
        write('not-graphql.json', JSON.stringify({ ...MANIFEST, operations: [operation('query {', 'Broken')] })),
        /operation 0 \(Broken\): its body is not a GraphQL document/,
      ],
    ];
    for (const [path, problem] of cases) {
      assert.throws(
        () => loadPersistedQueries(path),
        (error: Error) =>
          error instanceof StartupError &&
          error.message.startsWith(`PERSISTED_QUERIES_FILE: ${path}: `) &&
          problem.test(error.message),
      );
    }
    await assert.rejects(
      startApiSystem({ PERSISTED_QUERIES_FILE: cases[5][0], PERSISTED_QUERIES_ONLY: 'true' }, undefined, db.database),
      (error: Error) => error instanceof StartupError && /its id is not the sha256 of its body/.test(error.message),
    );
  });
});
