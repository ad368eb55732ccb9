import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { collectParsedFeed, parseEspiAtomFile } from '../../src/espi';
import { importFile } from '../../src/services/import/import-file';
import { publishedMrid } from '../../src/services/cim/meter-readings-get';
import { fixturesDir } from '../support/paths';
import { startTestSystem, type TestSystem } from '../support/system';
import { logger } from '../import/support';
import { cimFixtures } from '../cim/support';
import { cimPost, getRequest, readReply, validateSent } from './cim-support';

const SAMPLE = join(fixturesDir, 'espi', 'samples', 'test_usage_data.xml');

describe('/cim get MeterReadings', { timeout: 180_000 }, () => {
  let t: TestSystem;
  let usagePoint: string;
  let token: string;
  before(async () => {
    t = await startTestSystem('serve', {
      INBOX_DIR: mkdtempSync(join(tmpdir(), 'cim-inbox-')),
      INBOX_SCAN_CRON: '0 0 1 1 *',
    });
    const loaded = await importFile(t.system.database.dataSource, { path: SAMPLE, source: 'cli', logger });
    assert.equal(loaded.status, 'loaded');
    [{ external_id: usagePoint }] = (await t.system.database.dataSource.query(
      `SELECT external_id FROM usage_point`,
    )) as { external_id: string }[];
    token = await t.token(Role.CSR);
  });
  after(() => t?.stop());

  it('answers with the values loaded from an ESPI file: the ESPI and CIM views of each reading agree', async () => {
    const res = await cimPost(t.url, getRequest({ usagePoints: [usagePoint], correlationId: 'corr-1' }), token);
    assert.equal(res.status, 200);
    const { summary, meterReadings, readings } = await readReply(res.text);
    assert.equal(summary.envelope.header?.correlationId, 'corr-1');
    assert.deepEqual(summary.envelope.reply, { result: 'OK' });
    assert.equal(meterReadings.length, 1);
    assert.equal(meterReadings[0].usagePoint?.mRID, usagePoint);

    const espi = await collectParsedFeed(parseEspiAtomFile(SAMPLE, { fallbackZone: 'UTC' }));
    const espiSeries = [...espi.readings];
    assert.equal(meterReadings[0].blocks.length, espiSeries.length);
    let compared = 0;
    for (const block of meterReadings[0].blocks) {
      const [mr, espiReadings] =
        espiSeries.find(([m]) => publishedMrid(m.readingType) === block.readingTypeRef) ??
        assert.fail(`no ESPI series for ${block.readingTypeRef}`);
      assert.equal(
        block.readingType.powerOfTenMultiplier,
        mr.readingType.powerOfTenMultiplier ?? 0,
        'the same scale on both sides',
      );
      assert.equal(block.readingType.uom, mr.readingType.uom);
      const cim = readings.get(block.ordinal) ?? [];
      assert.deepEqual(
        cim.map((r) => [r.start, r.duration, r.value]),
        espiReadings.map((r) => [r.start, r.duration, r.value]),
      );
      compared += cim.length;
    }
    assert.equal(compared, 1340, 'every reading of the sample (its README: 1340 quarter-hours)');
    await validateSent(res.text);
  });

  it('takes a time range and reading types, and pages with "more replies follow" and a continuation', async () => {
    const from = Date.UTC(2012, 2, 5) / 1000;
    const to = Date.UTC(2012, 2, 6) / 1000;
    const first = await readReply(
      (await cimPost(t.url, getRequest({ usagePoints: [usagePoint], from, to }), token)).text,
    );
    const all = [...first.readings.values()].flat();
    assert.ok(all.length > 0 && all.every((r) => r.start >= from && r.start < to));
    const type = first.meterReadings[0].blocks[0].readingTypeRef;

    const pages = [];
    let continuation: string | undefined;
    for (let i = 0; i < 20; i++) {
      const res = await cimPost(
        t.url,
        getRequest({
          usagePoints: [usagePoint],
          from,
          to,
          readingTypes: [type],
          pageSize: 25,
          continuation,
          correlationId: 'paged',
        }),
        token,
      );
      const page = await readReply(res.text);
      assert.equal(page.summary.envelope.header?.correlationId, 'paged');
      pages.push(page);
      await validateSent(res.text);
      const more = page.summary.envelope.reply?.errors?.some((e) => e.code === '0.1') ?? false;
      continuation = page.summary.envelope.reply?.ids?.find((id) => id.idType === 'continuation')?.value;
      assert.equal(more, continuation !== undefined, 'a continuation exactly when more replies follow');
      if (!more) break;
    }
    const paged = pages.flatMap((p) => [...p.readings.values()].flat());
    const expected = first.meterReadings[0].blocks
      .filter((b) => b.readingTypeRef === type)
      .flatMap((b) => first.readings.get(b.ordinal) ?? []);
    assert.ok(
      pages.length === Math.ceil(expected.length / 25) && pages.length > 1,
      `${pages.length} pages for ${expected.length} readings`,
    );
    assert.ok(pages.slice(0, -1).every((p) => [...p.readings.values()].flat().length === 25));
    assert.deepEqual(
      paged.map((r) => [r.start, r.value]),
      expected.map((r) => [r.start, r.value]),
    );
  });

  it('a forged continuation is answered as an application outcome, never a fault: positions beyond any time or id', async () => {
    const from = Date.UTC(2012, 2, 5) / 1000;
    const to = Date.UTC(2012, 2, 6) / 1000;
    const huge = '9999999999999999999';
    const request = (continuation?: string) =>
      getRequest({ usagePoints: [usagePoint], from, to, pageSize: 25, continuation, correlationId: 'forged' });
    const first = await readReply((await cimPost(t.url, request(), token)).text);
    const given = first.summary.envelope.reply?.ids?.find((id) => id.idType === 'continuation')?.value;
    assert.ok(given, 'the first page has a continuation');
    const [u, m] = Buffer.from(given, 'base64url').toString('utf8').split('/');
    const forged = [`${u}/${m}/${huge}`, `${huge}/${huge}/0`, `${u}/${m}/0`].map((c) =>
      Buffer.from(c).toString('base64url'),
    );
    for (const continuation of forged) {
      const res = await cimPost(t.url, request(continuation), token);
      assert.equal(res.status, 200, `${continuation}: ${res.text.slice(0, 300)}`);
      const { summary } = await readReply(res.text);
      assert.notEqual(summary.envelope.reply?.result, undefined);
    }
  });

  it('unknown usage points and meters: PARTIAL with one Error per unknown id; nothing known: FAILED', async () => {
    const res = await cimPost(
      t.url,
      getRequest({
        usagePoints: [usagePoint, 'no-such-up'],
        meters: ['no-such-meter'],
        from: 1330578000,
        to: 1330581600,
      }),
      token,
    );
    const { summary, readings } = await readReply(res.text);
    assert.equal(summary.envelope.reply?.result, 'PARTIAL');
    assert.deepEqual(
      summary.envelope.reply?.errors?.map((e) => [e.code, e.id?.value]),
      [
        ['2.12', 'no-such-up'],
        ['2.4', 'no-such-meter'],
      ],
    );
    assert.ok([...readings.values()].flat().length > 0, 'the known usage point is answered');
    await validateSent(res.text);

    const none = await readReply((await cimPost(t.url, getRequest({ usagePoints: ['ghost'] }), token)).text);
    assert.equal(none.summary.envelope.reply?.result, 'FAILED');
    assert.deepEqual(
      none.summary.envelope.reply?.errors?.map((e) => [e.code, e.id?.value]),
      [['2.12', 'ghost']],
    );
  });

  it('a malformed message gets FAILED with the reason and HTTP 400, never a 500; the correlation is echoed when readable', async () => {
    const broken = await cimPost(
      t.url,
      '<RequestMessage xmlns="http://iec.ch/TC57/2011/schema/message"><Header><Verb>get',
      token,
    );
    assert.equal(broken.status, 400);
    const fault = await readReply(broken.text);
    assert.equal(fault.summary.envelope.kind, 'fault');
    assert.equal(fault.summary.envelope.reply?.result, 'FAILED');
    assert.match(fault.summary.envelope.reply?.errors?.[0].details ?? '', /truncated|malformed|end/i);
    await validateSent(broken.text);

    const badVerb = await cimPost(
      t.url,
      '<RequestMessage xmlns="http://iec.ch/TC57/2011/schema/message"><Header><Verb>fetch</Verb><Noun>MeterReadings</Noun><MessageID>m-9</MessageID><CorrelationID>c-9</CorrelationID></Header></RequestMessage>',
      token,
    );
    assert.equal(badVerb.status, 400);
    const refused = await readReply(badVerb.text);
    assert.equal(refused.summary.envelope.header?.correlationId, 'c-9');
    assert.equal(refused.summary.envelope.reply?.errors?.[0].code, '2.9');
    await validateSent(badVerb.text);

    const soap12 = await cimPost(
      t.url,
      '<x:Envelope xmlns:x="http://www.w3.org/2003/05/soap-envelope"><x:Body><nope/></x:Body></x:Envelope>',
      token,
      {
        'content-type': 'application/soap+xml; charset=utf-8',
      },
    );
    assert.equal(soap12.status, 400);
    assert.match(soap12.contentType, /^application\/soap\+xml/);
    assert.match(soap12.text, /^<soap:Envelope xmlns:soap="http:\/\/www.w3.org\/2003\/05\/soap-envelope">/);
  });

  it('answers in the binding it was asked in: SOAP 1.1, SOAP 1.2 or bare', async () => {
    for (const soap of ['1.1', '1.2'] as const) {
      const res = await cimPost(
        t.url,
        getRequest({ usagePoints: [usagePoint], from: 1330578000, to: 1330581600, soap }),
        token,
        {
          'content-type': soap === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8',
          ...(soap === '1.1' ? { soapaction: '""' } : {}),
        },
      );
      assert.equal(res.status, 200);
      const { summary } = await readReply(res.text);
      assert.equal(summary.envelope.soap, soap);
      assert.match(res.contentType, soap === '1.1' ? /^text\/xml/ : /^application\/soap\+xml/);
    }
  });

  it('lets CSR, OPS and ADMIN get, and only OPS and ADMIN push; a customer or no token is refused with a FAILED reply', async () => {
    const get = await getRequest({
      usagePoints: [usagePoint],
      from: 1330578000,
      to: 1330581600,
      correlationId: 'auth',
    });
    const push = readFileSync(join(cimFixtures, 'created-meter-readings.xml'), 'utf8');
    const status = async (body: string, role?: Role) => {
      const res = await cimPost(
        t.url,
        body,
        role ? await t.token(role, role === Role.CUSTOMER ? 'Q3VzdG9tZXI6MQ' : undefined) : undefined,
      );
      const { summary } = await readReply(res.text);
      if (res.status !== 200) {
        assert.equal(summary.envelope.reply?.result, 'FAILED');
        assert.equal(summary.envelope.reply?.errors?.[0].code, '7.7');
      }
      return res.status;
    };
    assert.deepEqual(
      await Promise.all([undefined, Role.CUSTOMER, Role.CSR, Role.OPS, Role.ADMIN].map((r) => status(get, r))),
      [401, 403, 200, 200, 200],
    );
    assert.deepEqual(
      await Promise.all([undefined, Role.CUSTOMER, Role.CSR].map((r) => status(push, r))),
      [401, 403, 403],
    );
    const refused = await readReply((await cimPost(t.url, get, undefined)).text);
    assert.equal(
      refused.summary.envelope.header?.correlationId,
      'auth',
      'even a refused caller gets its correlation back',
    );
  });
});
