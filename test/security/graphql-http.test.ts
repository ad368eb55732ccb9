import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { Role } from '../../src/auth/roles';
import { toGlobalId } from '../../src/services/access/global-id';
import { importFile } from '../../src/services/import/import-file';
import { writeFeed } from '../import/feed';
import { logger } from '../import/support';
import { startApiSystem, type ApiSystem } from '../api/support/api-system';
import { seedCustomer } from '../api/support/seed';
import { createTestDatabase, type TestDatabase } from '../support/database';

// The GraphQL route reads bodies on the plain Node request and hands them to Apollo without Express (graphql-route.ts).
// Each odd request must get exactly the status, content type and body that Express's JSON parser and Apollo's Express
// integration gave it: graphql-http.expected.json was recorded from that build (3984c5f) on the same data.

const MARCH_9 = Date.UTC(2024, 2, 9, 5) / 1000;
const USAGE = `query Usage($id: ID!) { usagePoint(id: $id) { id usage(from: "2024-03-09T05:00:00Z", to: "2024-03-10T05:00:00Z", resolution: HOUR) { total buckets { value } } } }`;

interface OddRequest {
  name: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

/** Request ids differ per request and the budget left per caller: everything else must be the same bytes. */
const normalised = (text: string) =>
  text.replace(/"remaining":\d+/g, '"remaining":_').replace(/"requestId":"[^"]*"/g, '"requestId":_');

describe('GraphQL over HTTP: odd requests get what Express and Apollo gave them', { timeout: 180_000 }, () => {
  let database: TestDatabase;
  let api: ApiSystem;
  let token: string;
  let usagePoint: string;
  const dir = mkdtempSync(join(tmpdir(), 'graphql-http-'));

  before(async () => {
    database = await createTestDatabase('graphql_http');
    api = await startApiSystem({}, undefined, database);
    const db = api.system.database.dataSource;
    const result = await importFile(db, {
      path: writeFeed(join(dir, 'feed.xml'), {
        usagePoints: [1],
        start: MARCH_9,
        count: 96,
        value: (_u, n) => 100 + (n % 7),
      }),
      source: 'cli',
      logger,
    });
    assert.equal(result.status, 'loaded', result.errors.join('\n'));
    const [{ id }] = (await db.query(`SELECT id::text AS id FROM usage_point`)) as { id: string }[];
    const { customerId, accountId } = await seedCustomer(db, 'Parity Customer');
    await db.query(`UPDATE usage_point SET customer_account_id = $1 WHERE id = $2`, [accountId, id]);
    usagePoint = toGlobalId('UsagePoint', id);
    token = await api.token(Role.CUSTOMER, toGlobalId('Customer', customerId), 'parity-customer');
  });
  after(async () => {
    await api?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function send(request: OddRequest): Promise<{ status: number; type: string | null; text: string }> {
    const response = await fetch(`${api.system.http?.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...request.headers },
      body: request.body,
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: normalised(await response.text()),
    };
  }

  const json = (value: unknown) => JSON.stringify(value);
  const canonical = () => ({ query: USAGE, operationName: 'Usage', variables: { id: usagePoint } });
  const literal = () =>
    USAGE.replace('query Usage($id: ID!)', 'query Usage').replace('$id', JSON.stringify(usagePoint));

  function oddRequests(): OddRequest[] {
    const body = json(canonical());
    return [
      { name: 'the normal request', body },
      { name: 'extensions: []', body: json({ ...canonical(), extensions: [] }) },
      { name: 'extensions: "x"', body: json({ ...canonical(), extensions: 'x' }) },
      { name: 'extensions: null', body: json({ ...canonical(), extensions: null }) },
      {
        name: 'extensions.persistedQuery with the query',
        body: json({
          ...canonical(),
          extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(USAGE).digest('hex') } },
        }),
      },
      {
        name: 'extensions.persistedQuery alone',
        body: json({
          operationName: 'Usage',
          variables: { id: usagePoint },
          extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(USAGE).digest('hex') } },
        }),
      },
      { name: 'operationName: ""', body: json({ ...canonical(), operationName: '' }) },
      { name: 'operationName: null', body: json({ ...canonical(), operationName: null }) },
      { name: 'operationName absent', body: json({ query: USAGE, variables: { id: usagePoint } }) },
      { name: 'operationName: 5', body: json({ ...canonical(), operationName: 5 }) },
      { name: 'operationName unknown', body: json({ ...canonical(), operationName: 'Nope' }) },
      {
        name: 'variables: null, literal id',
        body: json({ query: literal(), operationName: 'Usage', variables: null }),
      },
      { name: 'variables: [], literal id', body: json({ query: literal(), operationName: 'Usage', variables: [] }) },
      { name: 'variables as a JSON string', body: json({ ...canonical(), variables: json({ id: usagePoint }) }) },
      { name: 'query: 5', body: json({ ...canonical(), query: 5 }) },
      { name: 'query: ""', body: json({ ...canonical(), query: '' }) },
      { name: 'query: an object', body: json({ ...canonical(), query: { kind: 'Document' } }) },
      {
        name: 'duplicate keys (the last wins)',
        body: `{"query": "{ viewer { role } }", "operationName": "Usage", "variables": {"id": ${json(usagePoint)}}, "query": ${json(USAGE)}}`,
      },
      {
        name: 'huge numbers',
        body: `{"query": ${json(USAGE)}, "operationName": "Usage", "variables": {"id": 123456789012345678901234567890, "n": 1e400}}`,
      },
      { name: 'a UTF-8 BOM', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]) },
      { name: 'leading non-JSON whitespace', body: `\u00a0${body}` },
      { name: 'leading JSON whitespace', body: `\r\n\t ${body}` },
      { name: 'gzip', body: gzipSync(body), headers: { 'content-encoding': 'gzip' } },
      { name: 'deflate', body: deflateSync(body), headers: { 'content-encoding': 'deflate' } },
      { name: 'br', body: brotliCompressSync(body), headers: { 'content-encoding': 'br' } },
      { name: 'identity', body, headers: { 'content-encoding': 'identity' } },
      { name: 'an unknown content encoding', body, headers: { 'content-encoding': 'compress' } },
      { name: 'gzip header, plain body', body, headers: { 'content-encoding': 'gzip' } },
      { name: 'charset=utf-8', body, headers: { 'content-type': 'application/json; charset=utf-8' } },
      { name: 'charset=UTF-8, no space', body, headers: { 'content-type': 'application/json;charset=UTF-8' } },
      { name: 'charset=latin1', body, headers: { 'content-type': 'application/json; charset=latin1' } },
      {
        name: 'charset=utf-16le',
        body: Buffer.from(body, 'utf16le'),
        headers: { 'content-type': 'application/json; charset=utf-16le' },
      },
      { name: 'charset=klingon', body, headers: { 'content-type': 'application/json; charset=klingon' } },
      { name: 'a batch', body: `[${body},${body}]` },
      { name: 'an empty body', body: '' },
      { name: 'an empty object', body: '{}' },
      { name: 'JSON null', body: 'null' },
      { name: 'a JSON string', body: json(body) },
      { name: 'truncated JSON', body: body.slice(0, -3) },
      { name: 'trailing garbage', body: `${body} x` },
      { name: 'text/plain', body, headers: { 'content-type': 'text/plain' } },
      {
        name: 'application/graphql-response+json as the content type',
        body,
        headers: { 'content-type': 'application/graphql-response+json' },
      },
      { name: 'no content type', body: Buffer.from(body), headers: { 'content-type': '' } },
      {
        name: 'accept: application/graphql-response+json',
        body,
        headers: { accept: 'application/graphql-response+json' },
      },
      { name: 'accept: text/html', body, headers: { accept: 'text/html' } },
    ];
  }

  it('answers each odd request as Express and Apollo did', async () => {
    const expected = JSON.parse(
      readFileSync(join(__dirname, '..', '..', '..', 'test', 'security', 'graphql-http.expected.json'), 'utf8'),
    ) as Record<string, unknown>;
    const requests = oddRequests();
    assert.deepEqual(
      requests.map((r) => r.name).sort(),
      Object.keys(expected).sort(),
      'every odd request has a recorded answer',
    );
    for (const request of requests) {
      const answer = await send(request);
      assert.deepEqual(answer, expected[request.name], request.name);
      assert.ok(answer.status < 500, `${request.name}: ${answer.status}`);
    }
  });
});
