import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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

// The answer lane answers cached queries before Express and Apollo. Whatever it does not positively recognise must
// reach Apollo as if the lane were not there: for each odd request, the API with the lane on (its cache warmed with
// the request's normal form and with the request itself) answers with exactly the status, content type and body the
// API with the lane off gives, both on one database.

const MARCH_9 = Date.UTC(2024, 2, 9, 5) / 1000;
const USAGE = `query Usage($id: ID!) { usagePoint(id: $id) { id usage(from: "2024-03-09T05:00:00Z", to: "2024-03-10T05:00:00Z", resolution: HOUR) { total buckets { value } } } }`;

interface OddRequest {
  name: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

/** Request ids differ per request and the budget left per caller: everything else must be the same bytes. */
const normalised = (text: string) => text.replace(/"remaining":\d+/g, '"remaining":_').replace(/"requestId":"[^"]*"/g, '"requestId":_');

describe('answer lane parity: odd requests get exactly what Apollo gives them', { timeout: 180_000 }, () => {
  let database: TestDatabase;
  let laneOn: ApiSystem;
  let laneOff: ApiSystem;
  let token: string;
  let usagePoint: string;
  const dir = mkdtempSync(join(tmpdir(), 'lane-parity-'));

  before(async () => {
    database = await createTestDatabase('lane_parity');
    laneOn = await startApiSystem({}, undefined, database);
    laneOff = await startApiSystem({ ANSWER_CACHE_MB: '0' }, undefined, database);
    const db = laneOn.system.database.dataSource;
    const result = await importFile(db, { path: writeFeed(join(dir, 'feed.xml'), { usagePoints: [1], start: MARCH_9, count: 96, value: (_u, n) => 100 + (n % 7) }), source: 'cli', logger });
    assert.equal(result.status, 'loaded', result.errors.join('\n'));
    const [{ id }] = (await db.query(`SELECT id::text AS id FROM usage_point`)) as { id: string }[];
    const { customerId, accountId } = await seedCustomer(db, 'Parity Customer');
    await db.query(`UPDATE usage_point SET customer_account_id = $1 WHERE id = $2`, [accountId, id]);
    usagePoint = toGlobalId('UsagePoint', id);
    token = await laneOn.token(Role.CUSTOMER, toGlobalId('Customer', customerId), 'parity-customer');
  });
  after(async () => {
    await laneOn?.stop();
    await laneOff?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function send(system: ApiSystem, request: OddRequest): Promise<{ status: number; type: string | null; text: string }> {
    const response = await fetch(`${system.system.http?.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...request.headers },
      body: request.body,
    });
    return { status: response.status, type: response.headers.get('content-type'), text: normalised(await response.text()) };
  }

  const json = (value: unknown) => JSON.stringify(value);
  const canonical = () => ({ query: USAGE, operationName: 'Usage', variables: { id: usagePoint } });
  const literal = () => USAGE.replace('query Usage($id: ID!)', 'query Usage').replace('$id', JSON.stringify(usagePoint));

  function oddRequests(): OddRequest[] {
    const body = json(canonical());
    return [
      { name: 'the normal request', body },
      { name: 'extensions: []', body: json({ ...canonical(), extensions: [] }) },
      { name: 'extensions: "x"', body: json({ ...canonical(), extensions: 'x' }) },
      { name: 'extensions: null', body: json({ ...canonical(), extensions: null }) },
      { name: 'extensions.persistedQuery with the query', body: json({ ...canonical(), extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(USAGE).digest('hex') } } }) },
      { name: 'extensions.persistedQuery alone', body: json({ operationName: 'Usage', variables: { id: usagePoint }, extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(USAGE).digest('hex') } } }) },
      { name: 'operationName: ""', body: json({ ...canonical(), operationName: '' }) },
      { name: 'operationName: null', body: json({ ...canonical(), operationName: null }) },
      { name: 'operationName absent', body: json({ query: USAGE, variables: { id: usagePoint } }) },
      { name: 'operationName: 5', body: json({ ...canonical(), operationName: 5 }) },
      { name: 'operationName unknown', body: json({ ...canonical(), operationName: 'Nope' }) },
      { name: 'variables: null, literal id', body: json({ query: literal(), operationName: 'Usage', variables: null }) },
      { name: 'variables: [], literal id', body: json({ query: literal(), operationName: 'Usage', variables: [] }) },
      { name: 'variables as a JSON string', body: json({ ...canonical(), variables: json({ id: usagePoint }) }) },
      { name: 'query: 5', body: json({ ...canonical(), query: 5 }) },
      { name: 'query: ""', body: json({ ...canonical(), query: '' }) },
      { name: 'query: an object', body: json({ ...canonical(), query: { kind: 'Document' } }) },
      { name: 'duplicate keys (the last wins)', body: `{"query": "{ viewer { role } }", "operationName": "Usage", "variables": {"id": ${json(usagePoint)}}, "query": ${json(USAGE)}}` },
      { name: 'huge numbers', body: `{"query": ${json(USAGE)}, "operationName": "Usage", "variables": {"id": 123456789012345678901234567890, "n": 1e400}}` },
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
      { name: 'charset=utf-16le', body: Buffer.from(body, 'utf16le'), headers: { 'content-type': 'application/json; charset=utf-16le' } },
      { name: 'charset=klingon', body, headers: { 'content-type': 'application/json; charset=klingon' } },
      { name: 'a batch', body: `[${body},${body}]` },
      { name: 'an empty body', body: '' },
      { name: 'an empty object', body: '{}' },
      { name: 'JSON null', body: 'null' },
      { name: 'a JSON string', body: json(body) },
      { name: 'truncated JSON', body: body.slice(0, -3) },
      { name: 'trailing garbage', body: `${body} x` },
      { name: 'text/plain', body, headers: { 'content-type': 'text/plain' } },
      { name: 'application/graphql-response+json as the content type', body, headers: { 'content-type': 'application/graphql-response+json' } },
      { name: 'no content type', body: Buffer.from(body), headers: { 'content-type': '' } },
      { name: 'accept: application/graphql-response+json', body, headers: { accept: 'application/graphql-response+json' } },
      { name: 'accept: text/html', body, headers: { accept: 'text/html' } },
    ];
  }

  it('answers each odd request as Apollo does', async () => {
    // The normal forms the lane might confuse odd requests with, cached.
    for (const body of [canonical(), { query: USAGE, variables: { id: usagePoint } }, { query: literal(), operationName: 'Usage' }]) {
      for (let i = 0; i < 2; i += 1) assert.equal((await send(laneOn, { name: 'warm', body: json(body) })).status, 200);
    }
    const lookups = async () => (await laneOn.system.metrics.registry.getSingleMetric('usage_portal_answer_cache_lookups_total')?.get())?.values.find((v) => v.labels.result === 'hit')?.value ?? 0;
    const hitsBefore = await lookups();
    for (const request of oddRequests()) {
      // Twice: a request the lane passes on may leave its answer in the cache for the second.
      await send(laneOn, request);
      const withLane = await send(laneOn, request);
      const apollo = await send(laneOff, request);
      assert.deepEqual(withLane, apollo, request.name);
      assert.ok(apollo.status < 500, `${request.name}: ${apollo.status}`);
    }
    // The lane did answer some of them (the normal and equivalent forms) from the cache.
    assert.ok((await lookups()) > hitsBefore, 'the lane served cached answers');
  });
});
