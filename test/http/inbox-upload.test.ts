import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { fixturesDir } from '../support/paths';
import { startTestSystem, type TestSystem } from '../support/system';

const SAMPLE = readFileSync(join(fixturesDir, 'espi', 'samples', 'test_usage_data.xml'));
// From the samples README: 1340 quarter-hours.
const SAMPLE_READINGS = 1340;
const LIMIT = 1_000_000;

interface Answer {
  status: number;
  body: { error?: string; path?: string; bytes?: number; sha256?: string; jobId?: string | null };
}

/**
 * PUT with node:http rather than fetch: the body can be chunked without a length, and a server that answers 413 and
 * closes mid-body is an answer here, not a client error.
 */
function put(url: string, body: Buffer | Buffer[], headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunked = Array.isArray(body);
    const req = request(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', ...(chunked ? {} : { 'content-length': String(body.length) }), ...headers },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    // The server may close while the rest of a refused body is still being sent; the answer has arrived by then.
    req.on('error', (error: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error)));
    if (chunked) {
      const write = (i: number): void => {
        if (i === body.length) return void req.end();
        if (req.destroyed) return;
        if (req.write(body[i])) setImmediate(() => write(i + 1));
        else req.once('drain', () => write(i + 1));
      };
      write(0);
    } else {
      req.end(body);
    }
  });
}

describe('PUT /admin/inbox/:name', { timeout: 180_000 }, () => {
  let t: TestSystem;
  let inbox: string;
  let admin: Record<string, string>;
  before(async () => {
    inbox = join(mkdtempSync(join(tmpdir(), 'upload-')), 'inbox');
    // No scan: only the upload may queue a load here.
    t = await startTestSystem('serve', { INBOX_DIR: inbox, INBOX_SCAN_CRON: '0 0 1 1 *', UPLOAD_MAX_BYTES: String(LIMIT) });
    admin = { authorization: `Bearer ${await t.token(Role.ADMIN)}` };
  });
  after(() => t?.stop());

  const at = (name: string, query = '') => `${t.url}/admin/inbox/${name}${query}`;
  const inboxEntries = () => (existsSync(inbox) ? readdirSync(inbox).sort() : []);
  const readings = async () => Number((await t.system.database.dataSource.query('SELECT count(*) AS n FROM interval_reading'))[0].n);

  it('is refused without a token and to every role but ADMIN', async () => {
    assert.equal((await put(at('usage.xml'), SAMPLE)).status, 401);
    for (const role of [Role.OPS, Role.CSR, Role.CUSTOMER]) {
      const token = await t.token(role, role === Role.CUSTOMER ? 'Q3VzdG9tZXI6MQ' : undefined);
      assert.equal((await put(at('usage.xml'), SAMPLE, { authorization: `Bearer ${token}` })).status, 403, role);
    }
    assert.equal((await put(at('usage.xml'), SAMPLE, { authorization: 'Bearer not-a-token' })).status, 401);
    assert.deepEqual(inboxEntries(), []);
  });

  it('refuses names that could leave the inbox or hide from the scan', async () => {
    // The router resolves an encoded ".." segment itself: the request never reaches the upload.
    assert.equal((await put(at('%2E%2E'), SAMPLE, admin)).status, 404);
    for (const name of ['..%2Fescaped.xml', '.hidden.xml', 'sub%2Fusage.xml', '%2Ftmp%2Fx.xml', 'a.part', 'a.TMP', 'a%00b.xml', 'x'.repeat(201)]) {
      const answer = await put(at(name), SAMPLE, admin);
      assert.equal(answer.status, 400, name);
      assert.match(answer.body.error ?? '', /file name/);
    }
    assert.deepEqual(inboxEntries(), []);
    assert.equal(existsSync(join(dirname(inbox), 'escaped.xml')), false);
  });

  it('refuses a body over UPLOAD_MAX_BYTES, declared or streamed, and leaves nothing behind', async () => {
    const big = Buffer.alloc(LIMIT + 1, 'x');
    const declared = await put(at('big.xml'), big, admin);
    assert.equal(declared.status, 413);
    assert.match(declared.body.error ?? '', /UPLOAD_MAX_BYTES/);
    // Chunked, without a length: refused once the limit is crossed.
    const chunks = Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024, 'x'));
    const streamed = await put(at('big.xml'), chunks, admin);
    assert.equal(streamed.status, 413);
    assert.deepEqual(inboxEntries(), []);
    assert.equal((await put(at('empty.xml'), Buffer.alloc(0), admin)).status, 400);
    assert.deepEqual(inboxEntries(), []);
  });

  it('never replaces a file already in the inbox', async () => {
    const first = await put(at('kept.xml', '?import=false'), SAMPLE, admin);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.jobId, null);
    const second = await put(at('kept.xml', '?import=false'), Buffer.from('<other/>'), admin);
    assert.equal(second.status, 409);
    assert.deepEqual(readFileSync(join(inbox, 'kept.xml')), SAMPLE);
    assert.deepEqual(inboxEntries(), ['kept.xml']);
    assert.equal(await readings(), 0);
  });

  it('stores a streamed upload and queues its import, which loads it', async () => {
    const chunks = Array.from({ length: Math.ceil(SAMPLE.length / 10_000) }, (_, i) => SAMPLE.subarray(i * 10_000, (i + 1) * 10_000));
    const answer = await put(at('usage.xml'), chunks, admin);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.bytes, SAMPLE.length);
    assert.match(answer.body.sha256 ?? '', /^[0-9a-f]{64}$/);
    const job = await t.system.queues.imports.getJob(answer.body.jobId ?? '');
    assert.ok(job, 'the upload answers with its import job');
    for (let i = 0; i < 600 && !(await job.isCompleted()) && !(await job.isFailed()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await job.isCompleted(), true, `job state: ${await job.getState()} ${job.failedReason ?? ''}`);
    assert.equal(await readings(), SAMPLE_READINGS);
    const [batch] = await t.system.database.dataSource.query(`SELECT source, file_name, checksum, status FROM import_batch`);
    assert.deepEqual(batch, { source: 'upload', file_name: 'usage.xml', checksum: answer.body.sha256, status: 'loaded' });
    assert.deepEqual(readFileSync(join(inbox, 'loaded', 'usage.xml')), SAMPLE);
  });
});
