import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { normalizeHref } from '../../src/espi/hrefs';
import { ESTIMATED_QUALITY_MASK } from '../../src/entities';
import { usagePointHref } from '../../src/ods/extract';
import { seedDemoOds } from '../../src/ods/generator';
import type { ExtractNowResult } from '../../src/jobs/extract-now';
import { readWatermark } from '../../src/services/extract/watermark';
import { logger, openPortalTestDatabase, snapshot, type PortalTestDatabase } from '../import/support';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { runExtract } from '../support/extract';

// 14 customers over ten days that cross the end of daylight time (3 November 2024 in every US zone but Phoenix).
const SEED = { customers: 14, days: 10, end: new Date('2024-11-08T00:00:00Z') };

interface Totals {
  [key: string]: { readings: number; value: string; cost: string; estimated: number };
}

const sumOf = (r: ExtractNowResult, key: 'readings' | 'inserted' | 'updated' | 'unchanged') =>
  r.files.reduce((n, f) => n + f[key], 0);

describe('ODS: seed-demo, extract, deliver, load', { timeout: 300_000 }, () => {
  let portal: PortalTestDatabase;
  let odsDb: TestDatabase;
  let ods: Client;
  const outboxDir = mkdtempSync(join(tmpdir(), 'ods-outbox-'));
  const inboxDir = mkdtempSync(join(tmpdir(), 'ods-inbox-'));
  // Three shards, and files of a few usage points: several files per shard, customer feeds between usage feeds.
  const run = () =>
    runExtract(portal.dataSource, { odsUrl: odsDb.url, outboxDir, inboxDir, logger, env: { EXTRACT_SHARDS: '3' } });
  let first: ExtractNowResult;

  before(async () => {
    portal = await openPortalTestDatabase('ods_portal');
    odsDb = await createTestDatabase('ods');
    ods = new Client({ connectionString: odsDb.url });
    await ods.connect();
    await seedDemoOds(ods, SEED);
    first = await run();
  });
  after(async () => {
    await ods?.end();
    await odsDb?.drop();
    await portal?.close();
  });

  /** Per usage point href path and flow direction, computed from the ODS tables alone. */
  async function odsTotals(): Promise<Totals> {
    const { rows } = await ods.query<{
      up: string;
      flow: number;
      readings: number;
      value: string;
      cost: string;
      estimated: number;
    }>(
      `SELECT c.usage_point_id::text AS up, c.flow_direction AS flow, count(*)::int AS readings, sum(r.value)::text AS value,
              coalesce(sum(r.cost), 0)::text AS cost, count(*) FILTER (WHERE r.quality = 8)::int AS estimated
         FROM ods.interval_read r JOIN ods.channel c USING (channel_id) GROUP BY 1, 2`,
    );
    return Object.fromEntries(
      rows.map((r) => [
        `${normalizeHref(usagePointHref(r.up))}|${r.flow}`,
        { readings: r.readings, value: r.value, cost: r.cost, estimated: r.estimated },
      ]),
    );
  }

  async function portalTotals(): Promise<Totals> {
    const rows = (await portal.dataSource.query(
      `SELECT up.external_id AS up, rt.flow_direction AS flow, count(*)::int AS readings, sum(ir.value)::text AS value,
              coalesce(sum(ir.cost), 0)::text AS cost, count(*) FILTER (WHERE ir.quality & $1 <> 0)::int AS estimated
         FROM interval_reading ir JOIN meter_reading mr ON mr.usage_point_id = ir.usage_point_id AND mr.id = ir.meter_reading_id
         JOIN reading_type rt ON rt.id = mr.reading_type_id JOIN usage_point up ON up.id = ir.usage_point_id
        GROUP BY 1, 2`,
      [ESTIMATED_QUALITY_MASK],
    )) as { up: string; flow: number; readings: number; value: string; cost: string; estimated: number }[];
    return Object.fromEntries(
      rows.map((r) => [
        `${r.up}|${r.flow}`,
        { readings: r.readings, value: r.value, cost: r.cost, estimated: r.estimated },
      ]),
    );
  }

  it('generates solar, gas, 15-minute and hourly channels, estimates and gaps', async () => {
    const { rows } = await ods.query<{
      solar: number;
      gas: number;
      quarter: number;
      hourly: number;
      estimated: number;
    }>(
      `SELECT count(*) FILTER (WHERE flow_direction = 19)::int AS solar, count(*) FILTER (WHERE uom = 169)::int AS gas,
              count(*) FILTER (WHERE interval_length = 900)::int AS quarter, count(*) FILTER (WHERE interval_length = 3600 AND uom = 72)::int AS hourly,
              (SELECT count(*)::int FROM ods.interval_read WHERE quality = 8) AS estimated
         FROM ods.channel`,
    );
    assert.ok(
      rows[0].solar > 0 && rows[0].gas > 0 && rows[0].quarter > 0 && rows[0].hourly > 0,
      JSON.stringify(rows[0]),
    );
    assert.ok(rows[0].estimated > 0, 'some reads are estimated');
  });

  it('loads every ODS reading exactly once: counts and per-usage-point totals equal the ODS', async () => {
    const expected = await odsTotals();
    assert.deepEqual(await portalTotals(), expected);
    const total = Object.values(expected).reduce((n, t) => n + t.readings, 0);
    assert.ok(total > 1000, `${total} readings`);
    assert.equal(sumOf(first, 'inserted'), total);
    assert.equal(sumOf(first, 'updated'), 0);
    assert.equal(first.watermark.from, '0');
    const { rows } = await ods.query<{ max: string }>('SELECT max(change_seq)::text AS max FROM ods.interval_read');
    assert.equal(first.watermark.to, rows[0].max);
    assert.equal(await readWatermark(portal.dataSource), rows[0].max);
  });

  it('keeps zones, units and the customer hierarchy', async () => {
    const { rows: odsUps } = await ods.query<{ id: string; zone: string; account: string }>(
      `SELECT u.usage_point_id::text AS id, l.time_zone AS zone, a.account_number AS account
         FROM ods.usage_point u JOIN ods.service_location l USING (location_id) JOIN ods.account a USING (account_id)`,
    );
    const portalUps = (await portal.dataSource.query(
      `SELECT up.external_id, up.time_zone, ca.account_number FROM usage_point up LEFT JOIN customer_account ca ON ca.id = up.customer_account_id`,
    )) as { external_id: string; time_zone: string; account_number: string | null }[];
    const byHref = new Map(portalUps.map((u) => [u.external_id, u]));
    for (const u of odsUps) {
      const loaded = byHref.get(normalizeHref(usagePointHref(u.id)));
      assert.ok(loaded, `usage point ${u.id} loaded`);
      assert.equal(loaded.account_number, u.account, `usage point ${u.id} under its account`);
      // LocalTimeParameters carry only offsets and rules: the loader names a zone with the same rules.
      const offset = (zone: string) =>
        new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
          .formatToParts(SEED.end)
          .find((p) => p.type === 'timeZoneName')?.value;
      assert.equal(offset(loaded.time_zone), offset(u.zone), `usage point ${u.id}: ${loaded.time_zone} vs ${u.zone}`);
    }
    const gas = (await portal.dataSource.query(
      `SELECT DISTINCT uom, power_of_ten_multiplier AS p FROM reading_type WHERE commodity = 7`,
    )) as { uom: number; p: number }[];
    assert.deepEqual(gas, [{ uom: 169, p: -3 }]);
  });

  it('writes each file atomically with a manifest whose checksums match the delivered bytes', () => {
    assert.deepEqual(
      readdirSync(outboxDir).filter((f) => f.endsWith('.part')),
      [],
    );
    const manifests = readdirSync(outboxDir).filter((f) => f.endsWith('.manifest.json'));
    assert.equal(manifests.length, 1);
    const manifest = JSON.parse(readFileSync(join(outboxDir, manifests[0]), 'utf8'));
    assert.ok(
      manifest.files.some((f: { kind: string }) => f.kind === 'usage') &&
        manifest.files.some((f: { kind: string }) => f.kind === 'customer'),
    );
    assert.ok(manifest.files.filter((f: { kind: string }) => f.kind === 'usage').length >= 2, 'split by usage point');
    for (const f of manifest.files) {
      const bytes = readFileSync(join(inboxDir, 'loaded', f.name));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), f.sha256, f.name);
      assert.equal(bytes.length, f.bytes);
    }
    assert.equal(manifest.totals.readings, sumOf(first, 'readings'));
    assert.deepEqual(manifest.watermark, first.watermark);
  });

  it('a second extract with nothing new changes nothing', async () => {
    const before = await snapshot(portal.dataSource);
    const second = await run();
    assert.deepEqual(second.files, []);
    assert.deepEqual(second.watermark, { from: first.watermark.to, to: first.watermark.to });
    assert.deepEqual(await snapshot(portal.dataSource), before);
  });

  it('a corrected read arrives as an update with a revision row', async () => {
    const { rows } = await ods.query<{ channel_id: string; start: Date; value: string }>(
      `UPDATE ods.interval_read SET value = value + 1234, quality = 17, received_at = now()
        WHERE (channel_id, start) = (SELECT channel_id, start FROM ods.interval_read WHERE quality = 8 ORDER BY 1, 2 LIMIT 1)
        RETURNING channel_id::text, start, (value - 1234)::text AS value`,
    );
    assert.equal(rows.length, 1);
    const third = await run();
    assert.equal(sumOf(third, 'updated'), 1);
    assert.equal(sumOf(third, 'inserted'), 0);
    const revisions = (await portal.dataSource.query(
      `SELECT old_value::text, new_value::text, old_quality, new_quality FROM interval_revision`,
    )) as {
      old_value: string;
      new_value: string;
      old_quality: number;
      new_quality: number;
    }[];
    assert.deepEqual(revisions, [
      {
        old_value: rows[0].value,
        new_value: String(BigInt(rows[0].value) + 1234n),
        old_quality: 1 << 8,
        new_quality: 1 << 17,
      },
    ]);
    assert.deepEqual(await portalTotals(), await odsTotals());
  });
});
