import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { resolveUrlSigningKey } from '../../src/auth/signing-key';
import { toGlobalId } from '../../src/services/access/global-id';
import { ExportFormat, signDownload } from '../../src/services/export/download-link';
import { cimPost, getRequest } from '../http/cim-support';
import { ADA_PERSONAL, downloadUrl, get, RANGE, REST, startSecuritySystem, type SecuritySystem } from './support';

describe('OPS receives no personal data on any path', { timeout: 300_000 }, () => {
  let s: SecuritySystem;
  let ops: string;
  let csr: string;
  before(async () => {
    s = await startSecuritySystem();
    ops = await s.api.token(Role.OPS);
    csr = await s.api.token(Role.CSR);
  });
  after(() => s?.stop());

  /** Every byte each path answers `token` about Ada's usage points, by path. */
  async function answers(token: string, role: Role): Promise<Record<string, string>> {
    const [{ id }] = (await s.api.system.database.dataSource.query(
      `SELECT id FROM meter_reading WHERE usage_point_id = $1 LIMIT 1`,
      [s.dbIds.Gas],
    )) as { id: string }[];
    const out: Record<string, string> = {};
    for (const path of [
      `/Batch/RetailCustomer/${s.ids.ada}/UsagePoint`,
      `/UsagePoint/${s.ids.Gas}`,
      `/UsagePoint/${s.ids.Gas}/MeterReading`,
      `/MeterReading/${toGlobalId('MeterReading', id)}/IntervalBlock`,
    ]) {
      const response = await get(s.base, `${REST}${path}`, token);
      assert.equal(response.status, 200, path);
      out[`REST ${path}`] = await response.text();
    }
    for (const format of ['ESPI_XML', 'CSV']) {
      const response = await get(s.base, await downloadUrl(s.api, token, { customerId: s.ids.ada, format }));
      assert.equal(response.status, 200, format);
      out[`download ${format}`] = await response.text();
    }
    // The customer feed is refused to OPS when the URL is asked for; a URL signed for OPS anyway still leaves it out.
    const grant = {
      usagePointIds: [s.dbIds['Solar home'], s.dbIds.Gas],
      from: new Date(RANGE.from),
      to: new Date(RANGE.to),
      format: ExportFormat.CUSTOMER_XML,
      expiresAt: Math.floor(Date.now() / 1000) + 600,
      principal: { subject: `a-${role}`, role },
    };
    const feed = await get(s.base, `/download/${signDownload(resolveUrlSigningKey(s.api.config), grant)}`);
    assert.equal(feed.status, 200);
    out['download CUSTOMER_XML'] = await feed.text();
    const cim = await cimPost(s.base, getRequest({ usagePoints: [s.mrids.Gas, s.mrids['Solar home']] }), token);
    assert.equal(cim.status, 200);
    out['CIM get'] = cim.text;
    return out;
  }

  it('ESPI REST, every download format and the CIM get carry no name, address, contact or account number for OPS', async () => {
    const leaks = Object.entries(await answers(ops, Role.OPS)).flatMap(([path, body]) =>
      ADA_PERSONAL.filter((p) => body.includes(p)).map((p) => `${path}: ${p}`),
    );
    assert.deepEqual(leaks, []);
  });

  it('the same paths show them to a CSR (the control: the data is there to leak)', async () => {
    const seen = await answers(csr, Role.CSR);
    for (const path of ['REST /UsagePoint', 'download ESPI_XML', 'download CSV', 'CIM get']) {
      const key = Object.keys(seen).find((k) => k.startsWith(path)) as string;
      assert.ok(seen[key].includes('198 Main St gas'), `${key} shows the usage point's name to a CSR`);
    }
    for (const personal of ADA_PERSONAL.slice(1)) assert.ok(seen['download CUSTOMER_XML'].includes(personal), personal);
  });

  it('GraphQL agrees: OPS reads the usage point with its name null', async () => {
    const r = await s.api.query(`query ($id: ID!) { usagePoint(id: $id) { name } }`, { id: s.ids.Gas }, ops);
    assert.deepEqual(r.data, { usagePoint: { name: null } });
  });
});
