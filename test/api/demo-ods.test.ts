import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { Role } from '../../src/auth/roles';
import { createLogger } from '../../src/logger';
import { seedDemoOds } from '../../src/ods/generator';
import { toGlobalId } from '../../src/services/access/global-id';
import { Resolution } from '../../src/services/usage/periods';
import { runExtract } from '../support/extract';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { openApiDatabase, servicesFor, type ApiDatabase } from './support/database';
import { checkEverySeries } from './support/series-check';

// The demo ODS (US zones; ten days across the end of daylight time on 3 November 2024) extracted and loaded as in
// production, then read through the API.
describe('usage() over the demo ODS, extracted and loaded', { timeout: 600_000 }, () => {
  let api: ApiDatabase;
  let odsDb: TestDatabase;

  before(async () => {
    api = await openApiDatabase('api_demo_ods');
    odsDb = await createTestDatabase('api_ods');
    const ods = new Client({ connectionString: odsDb.url });
    await ods.connect();
    await seedDemoOds(ods, { customers: 12, days: 10, end: new Date('2024-11-08T00:00:00Z') });
    await ods.end();
    const logger = createLogger('silent');
    const inbox = mkdtempSync(join(tmpdir(), 'api-ods-inbox-'));
    await runExtract(api.db, {
      odsUrl: odsDb.url,
      outboxDir: mkdtempSync(join(tmpdir(), 'api-ods-outbox-')),
      inboxDir: inbox,
      logger,
    });
  });
  after(async () => {
    await odsDb?.drop();
    await api?.close();
  });

  it('every series: local days and months match the readings from rollups and raw, in its zone and two others', async () => {
    assert.ok((await checkEverySeries(api.db, null, ['Europe/Berlin', 'Asia/Kolkata'], 'demo ODS')) >= 12);
  });

  it('the fall-back day has 25 hours of readings where the data is complete', async () => {
    const [row] = (await api.db.query(
      `SELECT d.usage_point_id::text AS up, d.expected, d.readings FROM usage_daily d JOIN usage_point u ON u.id = d.usage_point_id
       WHERE d.local_date = '2024-11-03' AND u.time_zone <> 'America/Phoenix' AND d.expected = d.readings ORDER BY 1 LIMIT 1`,
    )) as { up: string; expected: number; readings: number }[];
    assert.ok(row, 'a complete fall-back day in the demo data');
    const [{ zone, customer }] = (await api.db.query(
      `SELECT u.time_zone AS zone, a.customer_id::text AS customer FROM usage_point u JOIN customer_account a ON a.id = u.customer_account_id WHERE u.id = $1`,
      [row.up],
    )) as { zone: string; customer: string }[];
    const [{ from, to }] = (await api.db.query(
      `SELECT '2024-11-03'::timestamp AT TIME ZONE $1 AS from, '2024-11-04'::timestamp AT TIME ZONE $1 AS to`,
      [zone],
    )) as {
      from: Date;
      to: Date;
    }[];
    // As the customer itself: its own usage point is reachable.
    const services = servicesFor(api.db, {
      subject: 'demo',
      role: Role.CUSTOMER,
      customerId: toGlobalId('Customer', customer),
    });
    const hours = await services.usage.usage(row.up, { from, to, resolution: Resolution.HOUR });
    assert.equal(hours?.buckets.length, 25);
    assert.equal(hours?.expected, row.expected);
  });
});
