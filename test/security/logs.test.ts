import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { Role } from '../../src/auth/roles';
import { cimPost, getRequest } from '../http/cim-support';
import { ADA_PERSONAL, downloadUrl, get, REST, startSecuritySystem, type SecuritySystem } from './support';

describe('logs carry no personal field and no download URL', { timeout: 300_000 }, () => {
  let s: SecuritySystem;
  let logged = '';
  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString('utf8');
        done();
      },
    });
    s = await startSecuritySystem({}, pino({ level: 'trace' }, sink));
  });
  after(() => s?.stop());

  it('after every path read Ada’s data as a CSR, the log names none of it, nor a download token', async () => {
    const csr = await s.api.token(Role.CSR);
    const tokens: string[] = [];
    for (const format of ['ESPI_XML', 'CSV', 'CUSTOMER_XML']) {
      const url = await downloadUrl(s.api, csr, { customerId: s.ids.ada, format });
      tokens.push(url.split('/').pop() as string);
      assert.equal((await get(s.base, url)).status, 200);
    }
    assert.equal((await get(s.base, `${REST}/Batch/RetailCustomer/${s.ids.ada}/UsagePoint`, csr)).status, 200);
    assert.equal((await cimPost(s.base, getRequest({ usagePoints: [s.mrids.Gas] }), csr)).status, 200);
    const r = await s.api.query(
      `query ($id: ID!) { customer(id: $id) { name email accounts(first: 5) { edges { node { accountNumber } } } } }`,
      { id: s.ids.ada },
      csr,
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));

    assert.match(logged, /"path":"\/download\/…"/, 'downloads are logged, without their token');
    for (const personal of ADA_PERSONAL) assert.ok(!logged.includes(personal), `the log shows "${personal}"`);
    for (const token of tokens) assert.ok(!logged.includes(token.split('.')[0]), 'the log shows a download token');
  });
});
