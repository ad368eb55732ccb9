import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { resolveUrlSigningKey } from '../../src/auth/signing-key';
import { loadConfig } from '../../src/config';
import { toGlobalId } from '../../src/services/access/global-id';
import { ExportFormat, signDownload } from '../../src/services/export/download-link';
import { startApiSystem, TEST_JWT_SECRET, type ApiSystem } from '../api/support/api-system';
import { XMLLINT_MISSING, xmllintValidate } from '../support/xmllint';
import { count, load, workDir, writeSyntheticCustomerFeed, writeSyntheticUsageFeed } from './support';

const dir = workDir();
const DOWNLOAD = `mutation ($input: UsagePointDownloadInput!) { usagePointDownload(input: $input) { url expiresAt fileName userErrors { code field message } } }`;

describe('Download My Data and the ESPI REST resources over HTTP', { timeout: 300_000 }, () => {
  let api: ApiSystem;
  let base: string;
  const ids: Record<string, string> = {};
  let ada: string;
  let bo: string;
  before(async () => {
    api = await startApiSystem();
    base = api.system.http?.url as string;
    const db = api.system.database.dataSource;
    await writeSyntheticUsageFeed(join(dir, 'usage.xml'));
    await writeSyntheticCustomerFeed(join(dir, 'customers.xml'));
    await load(db, join(dir, 'usage.xml'));
    await load(db, join(dir, 'customers.xml'));
    for (const r of (await db.query(`SELECT id, name FROM usage_point`)) as { id: string; name: string }[])
      ids[r.name] = toGlobalId('UsagePoint', r.id);
    const customers = (await db.query(`SELECT id, name FROM customer ORDER BY name`)) as { id: string; name: string }[];
    ada = await api.token(Role.CUSTOMER, toGlobalId('Customer', customers[0].id), 'ada');
    bo = await api.token(Role.CUSTOMER, toGlobalId('Customer', customers[1].id), 'bo');
  });
  after(() => api?.stop());

  const download = (token: string, input: Record<string, unknown>) =>
    api
      .query(DOWNLOAD, { input: { from: '2024-03-01T05:00:00Z', to: '2024-12-01T05:00:00Z', ...input } }, token)
      .then((r) => {
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        return (
          r.data as {
            usagePointDownload: {
              url: string | null;
              fileName: string | null;
              userErrors: { code: string; field: string[] }[];
            };
          }
        ).usagePointDownload;
      });

  it('a CUSTOMER downloads its own usage point: a signed URL streams a valid ESPI file with its name and type', async (t) => {
    const issued = await download(ada, { usagePointIds: [ids['Solar home']], format: 'ESPI_XML' });
    assert.deepEqual(issued.userErrors, []);
    const response = await fetch(`${base}${issued.url}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
    assert.equal(response.headers.get('content-disposition'), `attachment; filename="${issued.fileName}"`);
    const file = join(dir, 'downloaded.xml');
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    assert.equal(count(file, /<UsagePoint /g), 1);
    const foreign = await download(ada, { customerId: toGlobalId('Customer', '999999'), format: 'CSV' });
    assert.deepEqual(
      foreign.userErrors.map((e) => e.field),
      [['input', 'customerId']],
    );
    if (XMLLINT_MISSING) return t.skip(XMLLINT_MISSING);
    xmllintValidate(file, 'espi.xsd');
  });

  it("a CUSTOMER cannot get a URL for another customer's usage point, nor for an unknown one", async () => {
    const issued = await download(bo, { usagePointIds: [ids['Solar home']] });
    assert.equal(issued.url, null);
    assert.deepEqual(
      issued.userErrors.map((e) => [e.code, e.field]),
      [['BAD_USER_INPUT', ['input', 'usagePointIds']]],
    );
    const own = await download(bo, { usagePointIds: [ids.Neighbour], format: 'CSV' });
    const response = await fetch(`${base}${own.url}`);
    assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(await response.text(), /^Name,Neighbour\r\n/);
  });

  it('OPS reads usage but may not download the customer feed (personal data)', async () => {
    const ops = await api.token(Role.OPS);
    const usage = await download(ops, { usagePointIds: [ids.Gas], format: 'ESPI_XML' });
    assert.deepEqual(usage.userErrors, []);
    const customer = await download(ops, { usagePointIds: [ids.Gas], format: 'CUSTOMER_XML' });
    assert.deepEqual(
      customer.userErrors.map((e) => e.field),
      [['input', 'format']],
    );
    const csr = await download(await api.token(Role.CSR), { usagePointIds: [ids.Gas], format: 'CUSTOMER_XML' });
    const text = await (await fetch(`${base}${csr.url}`)).text();
    assert.match(text, /<name>Ada Lovelace<\/name>/);
  });

  it('a signed URL cannot be altered to reach another usage point, and an expired one is refused', async () => {
    const issued = await download(bo, { usagePointIds: [ids.Neighbour] });
    const token = (issued.url as string).split('/').pop() as string;
    const [payload, mac] = token.split('.');
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const solarId = Buffer.from(ids['Solar home'], 'base64url').toString().split(':')[1];
    const forged = Buffer.from(JSON.stringify({ ...body, u: [solarId] })).toString('base64url');
    const altered = await fetch(`${base}/download/${forged}.${mac}`);
    assert.equal(altered.status, 403);
    const stretched = Buffer.from(JSON.stringify({ ...body, e: body.e + 86400 })).toString('base64url');
    assert.equal((await fetch(`${base}/download/${stretched}.${mac}`)).status, 403);
    const config = loadConfig({ JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: dir });
    const expired = signDownload(resolveUrlSigningKey(config), {
      usagePointIds: body.u,
      from: new Date(body.f),
      to: new Date(body.t),
      format: ExportFormat.ESPI_XML,
      expiresAt: Math.floor(Date.now() / 1000) - 1,
      principal: { subject: 'bo', role: Role.CUSTOMER, customerId: body.c },
    });
    assert.equal((await fetch(`${base}/download/${expired}`)).status, 410);
    // The same key with a live expiry is accepted: the 410 above was the expiry, not the signature.
    const live = signDownload(resolveUrlSigningKey(config), {
      usagePointIds: body.u,
      from: new Date(body.f),
      to: new Date(body.t),
      format: ExportFormat.ESPI_XML,
      expiresAt: body.e,
      principal: { subject: 'bo', role: Role.CUSTOMER, customerId: body.c },
    });
    assert.equal((await fetch(`${base}/download/${live}`)).status, 200);
  });

  it('REST resources: bearer authentication, a CUSTOMER sees only its own usage points, paging by start-index and max-results', async (t) => {
    const rest = (path: string, token?: string) =>
      fetch(`${base}/espi/1_1/resource${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    assert.equal((await rest(`/UsagePoint/${ids['Solar home']}`)).status, 401);
    assert.equal((await rest(`/UsagePoint/${ids['Solar home']}`, bo)).status, 404);
    const up = await rest(`/UsagePoint/${ids['Solar home']}`, ada);
    assert.equal(up.status, 200);
    const upText = await up.text();
    assert.equal((upText.match(/<UsagePoint /g) ?? []).length, 1);
    assert.doesNotMatch(upText, /<MeterReading /);

    const mrs = await (
      await rest(`/UsagePoint/${ids['Solar home']}/MeterReading?max-results=1&start-index=2`, ada)
    ).text();
    assert.equal((mrs.match(/<MeterReading /g) ?? []).length, 1);
    assert.match(mrs, /<flowDirection>19<\/flowDirection>/);

    const db = api.system.database.dataSource;
    const [{ id }] = (await db.query(
      `SELECT m.id FROM meter_reading m JOIN usage_point u ON u.id = m.usage_point_id JOIN reading_type t ON t.id = m.reading_type_id WHERE u.name = 'Solar home' AND t.flow_direction = 1`,
    )) as { id: string }[];
    const mr = toGlobalId('MeterReading', id);
    assert.equal((await rest(`/MeterReading/${mr}/IntervalBlock`, bo)).status, 404);
    const page = await (
      await rest(
        `/MeterReading/${mr}/IntervalBlock?published-min=2024-03-09T05:00:00Z&max-results=2&start-index=2`,
        ada,
      )
    ).text();
    const days = [
      ...page.matchAll(/<IntervalBlock [^>]*><interval><duration>\d+<\/duration><start>(\d+)<\/start>/g),
    ].map((m) => new Date(Number(m[1]) * 1000).toISOString());
    // Local days from 03-09: skip one (03-09), then 03-10 (the 23-hour day) and 03-11.
    assert.deepEqual(days, ['2024-03-10T05:00:00.000Z', '2024-03-11T04:00:00.000Z']);
    assert.equal((await rest(`/MeterReading/${mr}/IntervalBlock?max-results=0`, ada)).status, 400);
    const later = await (await rest(`/MeterReading/${mr}/IntervalBlock?updated-min=2100-01-01T00:00:00Z`, ada)).text();
    assert.doesNotMatch(later, /<IntervalBlock /, 'nothing was written after 2100');
    const since = await (
      await rest(
        `/MeterReading/${mr}/IntervalBlock?updated-min=2000-01-01T00:00:00Z&published-max=2024-03-09T05:00:00Z`,
        ada,
      )
    ).text();
    assert.equal((since.match(/<IntervalBlock /g) ?? []).length, 1);

    const batch = await rest(
      `/Batch/RetailCustomer/${toGlobalId('Customer', (await db.query(`SELECT id FROM customer WHERE name = 'Bo Diddley'`))[0].id)}/UsagePoint`,
      bo,
    );
    assert.equal(batch.status, 200);
    const file = join(dir, 'batch.xml');
    writeFileSync(file, await batch.text());
    assert.equal(count(file, /<UsagePoint /g), 1);
    assert.equal(count(file, /<IntervalBlock /g), 9);
    if (XMLLINT_MISSING) return t.skip(XMLLINT_MISSING);
    xmllintValidate(file, 'espi.xsd');
    const pageFile = join(dir, 'page.xml');
    writeFileSync(pageFile, page);
    xmllintValidate(pageFile, 'espi.xsd');
  });
});
