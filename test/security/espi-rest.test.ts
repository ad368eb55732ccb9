import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { toGlobalId } from '../../src/services/access/global-id';
import { assertJsonError, get, rawGet, REST, startSecuritySystem, type SecuritySystem } from './support';

const PUBLIC_BASE_URL = 'https://portal.example.test';

describe('ESPI REST: IDOR per path and role, hrefs from PUBLIC_BASE_URL', { timeout: 300_000 }, () => {
  let s: SecuritySystem;
  let adaPaths: string[];
  before(async () => {
    s = await startSecuritySystem({ PUBLIC_BASE_URL });
    const [{ id }] = (await s.api.system.database.dataSource.query(
      `SELECT id FROM meter_reading WHERE usage_point_id = $1 LIMIT 1`,
      [s.dbIds['Solar home']],
    )) as { id: string }[];
    const solar = s.ids['Solar home'];
    adaPaths = [
      `/Batch/RetailCustomer/${s.ids.ada}/UsagePoint`,
      `/UsagePoint/${solar}`,
      `/UsagePoint/${solar}/MeterReading`,
      `/MeterReading/${toGlobalId('MeterReading', id)}/IntervalBlock`,
    ];
  });
  after(() => s?.stop());

  it("a CUSTOMER reading another customer's resources gets 404 NOT_FOUND on every path, as for ids that do not exist", async () => {
    for (const path of adaPaths) {
      assert.equal((await get(s.base, `${REST}${path}`, s.ada)).status, 200, path);
      await assertJsonError(await get(s.base, `${REST}${path}`, s.bo), 404, 'NOT_FOUND');
    }
    const missing = [
      `/Batch/RetailCustomer/${toGlobalId('Customer', '999999')}/UsagePoint`,
      `/UsagePoint/${toGlobalId('UsagePoint', '999999')}`,
      `/UsagePoint/${s.ids.ada}/MeterReading`,
      `/MeterReading/${s.ids['Solar home']}/IntervalBlock`,
    ];
    for (const path of missing) await assertJsonError(await get(s.base, `${REST}${path}`, s.ada), 404, 'NOT_FOUND');
  });

  it('every staff role reads every path; no token is 401', async () => {
    for (const role of [Role.CSR, Role.ADMIN, Role.OPS]) {
      const token = await s.api.token(role);
      for (const path of adaPaths)
        assert.equal((await get(s.base, `${REST}${path}`, token)).status, 200, `${role} ${path}`);
    }
    for (const path of adaPaths) await assertJsonError(await get(s.base, `${REST}${path}`), 401, 'UNAUTHENTICATED');
  });

  it('hrefs the portal writes start with PUBLIC_BASE_URL whatever Host or forwarded headers the request names', async () => {
    const authorization = `Bearer ${s.ada}`;
    const variants: Record<string, string>[] = [
      { host: 'evil.example', authorization },
      { host: 'evil.example:8443', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http', authorization },
    ];
    for (const headers of variants) {
      for (const path of adaPaths) {
        const { status, body } = await rawGet(s.base, `${REST}${path}`, headers);
        assert.equal(status, 200, path);
        assert.doesNotMatch(body, /evil\.example/, path);
        // What the portal names starts with PUBLIC_BASE_URL; a summary keeps the href it was loaded by (round trips).
        const hrefs = [...body.matchAll(/href="([^"]+)"/g)]
          .map((m) => m[1])
          .filter((href) => !href.startsWith('https://utility.example/'));
        assert.ok(hrefs.length > 0, path);
        for (const href of hrefs) assert.ok(href.startsWith(`${PUBLIC_BASE_URL}/`), `${path}: ${href}`);
      }
    }
  });
});
