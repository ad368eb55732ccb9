import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { cimFixtures } from '../cim/support';
import { snapshot } from '../import/support';
import { waitFor } from '../support/wait-for';
import { describeOnEachQueueBackend } from '../support/queue-backends';
import { startTestSystem, type TestSystem } from '../support/system';
import { cimPost, getRequest, readReply, validateSent } from './cim-support';

const CREATED = readFileSync(join(cimFixtures, 'created-meter-readings.xml'), 'utf8');
const MESSAGE_ID = '6d1c2d8e-5b0b-4a3c-9d2e-1f0a7c3b9e01';
const METER = '0a4f3c2e-7d1b-4e55-9a61-2b8e0c6f4d17';

/** A local ReplyAddress: answers the first `failures` posts with 503 (so the job must retry), then 200. */
async function receiver(failures: number): Promise<{ url: string; bodies: string[]; refused: number; server: Server }> {
  const state = { url: '', bodies: [] as string[], refused: 0, server: undefined as unknown as Server };
  state.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.refused < failures) {
        state.refused++;
        res.writeHead(503).end();
        return;
      }
      state.bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  const address = state.server.address();
  state.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/replies`;
  return state;
}

describeOnEachQueueBackend('/cim pushes and asynchronous replies', { timeout: 240_000 }, (backend) => {
  let t: TestSystem;
  let token: string;
  let inbox: string;
  // Receivers first: the portal posts replies only under CIM_REPLY_URLS, which must name them.
  let pushReceiver: Awaited<ReturnType<typeof receiver>>;
  let getReceiver: Awaited<ReturnType<typeof receiver>>;
  before(async () => {
    pushReceiver = await receiver(1);
    getReceiver = await receiver(0);
    inbox = mkdtempSync(join(tmpdir(), 'cim-push-'));
    t = await startTestSystem('serve', {
      CIM_REPLY_URLS: `${pushReceiver.url},${getReceiver.url}`,
      ...backend.settings(),
      INBOX_DIR: inbox,
      INBOX_SCAN_CRON: '0 0 1 1 *',
    });
    token = await t.token(Role.OPS);
  });
  after(async () => {
    for (const rx of [pushReceiver, getReceiver]) rx?.server.close();
    await t?.stop();
  });
  const db = () => t.system.database.dataSource;
  const count = async (table: string) => Number((await db().query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  it('a created MeterReadings event loads and is answered OK with its MessageID as CorrelationID; a resend changes nothing', async () => {
    const res = await cimPost(t.url, CREATED, token);
    assert.equal(res.status, 200);
    const { summary } = await readReply(res.text);
    assert.deepEqual(summary.envelope.reply, { result: 'OK' });
    assert.equal(summary.envelope.header?.verb, 'reply');
    assert.equal(summary.envelope.header?.correlationId, MESSAGE_ID);
    validateSent(res.text);
    assert.equal(await count('interval_reading'), 3, 'four readings, one without a value');
    const [batch] = await db().query(`SELECT source, status, inserted FROM import_batch`);
    assert.deepEqual(batch, { source: 'cim', status: 'loaded', inserted: 3 });

    const before = { tables: await snapshot(db()), batches: await count('import_batch') };
    const resend = await readReply((await cimPost(t.url, CREATED, token)).text);
    assert.equal(resend.summary.envelope.header?.correlationId, MESSAGE_ID);
    assert.equal(resend.summary.envelope.reply?.result, 'OK');
    // Same MessageID, other content: still the first message's, nothing loaded.
    const changed = CREATED.replace('<m:value>0.25</m:value>', '<m:value>9.25</m:value>');
    assert.equal((await readReply((await cimPost(t.url, changed, token)).text)).summary.envelope.reply?.result, 'OK');
    // Same content under a new MessageID: the readings are the same natural keys and values.
    const renamed = CREATED.replace(MESSAGE_ID, 'another-message-id');
    assert.equal((await readReply((await cimPost(t.url, renamed, token)).text)).summary.envelope.reply?.result, 'OK');
    assert.deepEqual(await snapshot(db()), before.tables, 'no reading, series or usage point changed');
    assert.equal(await count('import_batch'), before.batches + 1, 'only the new MessageID made a (no-op) batch');
    assert.deepEqual(readdirSync(join(inbox, '.cim')), [], 'spooled bodies are gone once decided');
  });

  it('unknown meters: PARTIAL with one Error per unknown id, the known one loaded', async () => {
    const meterOnly = (id: string, value: string) =>
      CREATED.replace(/<m:UsagePoint>[\s\S]*?<\/m:UsagePoint>/, '')
        .replace(METER, id)
        .replace(MESSAGE_ID, `msg-${id}`)
        .replace('<m:value>0.25</m:value>', `<m:value>${value}</m:value>`);
    // Two MeterReadings of unknown meters and one of the meter the first message linked to its usage point.
    const body = meterOnly('ghost-1', '0.25');
    const second = /<m:MeterReading>[\s\S]*<\/m:MeterReading>/.exec(meterOnly('ghost-2', '0.25'))?.[0] ?? assert.fail();
    const known = /<m:MeterReading>[\s\S]*<\/m:MeterReading>/.exec(meterOnly(METER, '0.5'))?.[0] ?? assert.fail();
    const message = body.replace('</m:MeterReading>', `</m:MeterReading>${second}${known}`);
    const res = await cimPost(t.url, message, token);
    const { summary } = await readReply(res.text);
    assert.equal(summary.envelope.reply?.result, 'PARTIAL');
    assert.deepEqual(
      summary.envelope.reply?.errors?.map((e) => [e.code, e.level, e.id?.value]),
      [
        ['2.4', 'FATAL', 'ghost-1'],
        ['2.4', 'FATAL', 'ghost-2'],
      ],
    );
    assert.equal(summary.envelope.header?.correlationId, 'msg-ghost-1');
    validateSent(res.text);
    const [{ value }] = await db().query(`SELECT value::int FROM interval_reading ORDER BY start LIMIT 1`);
    assert.equal(value, 500, 'the known meter’s reading was taken');
  });

  it('AsyncReplyFlag: acknowledged at once, the outcome posted to ReplyAddress by a job that retries', async () => {
    const rx = pushReceiver;
    const message = CREATED.replace(MESSAGE_ID, 'async-1')
      .replace(
        '<msg:AsyncReplyFlag>false</msg:AsyncReplyFlag>',
        `<msg:AsyncReplyFlag>true</msg:AsyncReplyFlag><msg:ReplyAddress>${rx.url}</msg:ReplyAddress>`,
      )
      .replace('<m:value>0.125</m:value>', '<m:value>0.126</m:value>');
    const ack = await readReply((await cimPost(t.url, message, token)).text);
    assert.equal(ack.summary.envelope.reply?.result, 'OK');
    assert.equal(ack.summary.envelope.reply?.errors?.[0].code, '0.3');
    const [body] = await waitFor('the posted reply', () => rx.bodies.length > 0 && rx.bodies, 60_000);
    assert.equal(rx.refused, 1, 'the first post was refused and retried');
    const posted = await readReply(body);
    assert.equal(posted.summary.envelope.header?.correlationId, 'async-1');
    assert.deepEqual(posted.summary.envelope.reply, { result: 'OK' });
    validateSent(body);
  });

  it('a ReplyAddress outside CIM_REPLY_URLS is refused: FAILED 1.8, nothing queued, nothing posted', async () => {
    const elsewhere = `${new URL(pushReceiver.url).origin}/elsewhere`;
    const before = { posted: pushReceiver.bodies.length, batches: await count('import_batch') };
    const message = CREATED.replace(MESSAGE_ID, 'async-elsewhere').replace(
      '<msg:AsyncReplyFlag>false</msg:AsyncReplyFlag>',
      `<msg:AsyncReplyFlag>true</msg:AsyncReplyFlag><msg:ReplyAddress>${elsewhere}</msg:ReplyAddress>`,
    );
    const res = await cimPost(t.url, message, token);
    const { summary } = await readReply(res.text);
    assert.equal(summary.envelope.reply?.result, 'FAILED');
    assert.equal(summary.envelope.reply?.errors?.[0].code, '1.8');
    assert.match(summary.envelope.reply?.errors?.[0].details ?? '', /CIM_REPLY_URLS/);
    validateSent(res.text);
    assert.deepEqual({ posted: pushReceiver.bodies.length, batches: await count('import_batch') }, before);
  });

  // The async push above wrote its own values: 0.25 again, 0.126 and 0.15.
  it('an asynchronous get by meter posts every page to ReplyAddress, all but the last saying more replies follow', async () => {
    const rx = getReceiver;
    // Asked by the meter: the first push recorded which usage point it is installed at.
    const ack = await readReply(
      (
        await cimPost(
          t.url,
          getRequest({ meters: [METER], pageSize: 1, replyAddress: rx.url, correlationId: 'async-get' }),
          token,
        )
      ).text,
    );
    assert.equal(ack.summary.envelope.reply?.errors?.[0].code, '0.3');
    const bodies = await waitFor('three pages', () => rx.bodies.length >= 3 && rx.bodies, 60_000);
    const pages = await Promise.all(bodies.map(readReply));
    assert.deepEqual(
      pages.map((p) => [
        p.summary.envelope.header?.correlationId,
        p.summary.envelope.reply?.errors?.some((e) => e.code === '0.1') ?? false,
      ]),
      [
        ['async-get', true],
        ['async-get', true],
        ['async-get', false],
      ],
    );
    assert.deepEqual(
      pages.map((p) => [...p.readings.values()].flat().map((r) => r.value)),
      [[250], [126], [150]],
    );
    for (const body of bodies) validateSent(body);
  });
});
