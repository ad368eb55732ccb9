import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PoolClient } from 'pg';
import { importFile } from '../../src/services/import/import-file';
import { refreshRollups } from '../../src/services/import/rollups';
import { logger, openPortalTestDatabase, type PortalTestDatabase } from './support';

// A first load sums its daily rollups from the staged blocks when each block lies within a local day; the rows must
// be the ones the SQL over the stored readings gives, across both DST changes, in zones with whole-hour, half-hour,
// 45-minute and midnight DST changes, and with blocks that straddle local midnights (those series go to SQL).
const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Australia/Adelaide',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Australia/Lord_Howe',
  'America/Santiago',
];
const FROM = Date.UTC(2024, 2, 1) / 1000;
const TO = Date.UTC(2024, 10, 15) / 1000;
const dir = mkdtempSync(join(tmpdir(), 'block-rollups-'));

const READING_TYPE = `<ReadingType xmlns="http://naesb.org/espi"><accumulationBehaviour>4</accumulationBehaviour><commodity>1</commodity>
  <currency>840</currency><flowDirection>1</flowDirection><intervalLength>3600</intervalLength><kind>12</kind>
  <powerOfTenMultiplier>0</powerOfTenMultiplier><uom>72</uom></ReadingType>`;
const entry = (self: string, up: string, related: string[], content: string) =>
  `<entry><id>urn:x:${self}</id><link rel="self" href="${self}"/><link rel="up" href="${up}"/>${related.map((r) => `<link rel="related" href="${r}"/>`).join('')}<content>${content}</content></entry>\n`;

/** Hourly readings from FROM to TO for one usage point without LocalTimeParameters, cut into blocks at `cuts`. */
function feed(u: number, cuts: number[]): string {
  const up = `/RetailCustomer/${u}/UsagePoint/1`;
  const mr = `${up}/MeterReading/1`;
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x:feed</id>\n`;
  xml += entry('/ReadingType/1', '/ReadingType', [], READING_TYPE);
  xml += entry(
    up,
    `/RetailCustomer/${u}/UsagePoint`,
    [`${up}/MeterReading`],
    '<UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint>',
  );
  xml += entry(
    mr,
    `${up}/MeterReading`,
    [`${mr}/IntervalBlock`, '/ReadingType/1'],
    '<MeterReading xmlns="http://naesb.org/espi"/>',
  );
  const bounds = [FROM, ...cuts.filter((c) => c > FROM && c < TO), TO];
  for (let b = 0; b + 1 < bounds.length; b++) {
    let readings = '';
    for (let t = Math.ceil(bounds[b] / 3600) * 3600; t < bounds[b + 1]; t += 3600) {
      const n = (t - FROM) / 3600;
      // Some readings estimated, and no cost on every 50th day, so some days have a null cost_sum.
      const quality = n % 17 === 0 ? '<ReadingQuality><quality>8</quality></ReadingQuality>' : '';
      const cost = Math.floor(n / 24) % 50 === 0 ? '' : `<cost>${(n % 91) * 1000}</cost>`;
      readings += `<IntervalReading>${quality}${cost}<timePeriod><duration>3600</duration><start>${t}</start></timePeriod><value>${100 + ((n * 37) % 500)}</value></IntervalReading>\n`;
    }
    xml += entry(
      `${mr}/IntervalBlock/${b}`,
      `${mr}/IntervalBlock`,
      [],
      `<IntervalBlock xmlns="http://naesb.org/espi">\n${readings}</IntervalBlock>`,
    );
  }
  return `${xml}</feed>\n`;
}

const ROLLUP_COLUMNS = `usage_point_id, meter_reading_id, value_sum::text, cost_sum::text, first_start, last_end, readings, estimated, expected`;

describe('daily rollups summed from the blocks of a first load', { timeout: 180_000 }, () => {
  let pdb: PortalTestDatabase;
  before(async () => {
    pdb = await openPortalTestDatabase('blockrollups');
  });
  after(async () => pdb?.close());

  const load = async (name: string, xml: string, zone: string) => {
    writeFileSync(join(dir, name), xml);
    const result = await importFile(pdb.dataSource, {
      path: join(dir, name),
      source: 'cli',
      fallbackZone: zone,
      logger,
    });
    assert.equal(result.status, 'loaded', result.errors.join('; '));
    return result;
  };

  it('loads blocks cut at local midnights (summed) and at UTC midnights (left to SQL)', async () => {
    for (const [i, zone] of ZONES.entries()) {
      const midnights: { t: string }[] = await pdb.dataSource.query(
        `SELECT extract(epoch FROM d::timestamp AT TIME ZONE $1)::bigint AS t FROM generate_series('2024-02-28'::date, '2024-11-20', interval '1 day') d`,
        [zone],
      );
      // Two blocks per local day (cut at midnight and 10 hours later), so days add up blocks.
      const cuts = midnights.flatMap((m) => [Number(m.t), Number(m.t) + 36_000]).sort((x, y) => x - y);
      const local = await load(`local-${i}.xml`, feed(i, cuts), zone);
      assert.equal(local.blockRollups, 1, `${zone}: blocks within local days are summed`);
      const utcDays = Array.from({ length: 270 }, (_, d) => FROM + d * 86400);
      const utc = await load(`utc-${i}.xml`, feed(100 + i, utcDays), zone);
      assert.equal(utc.blockRollups, 0, `${zone}: blocks across local midnights go to SQL`);
    }
  });

  it('gives the rows the SQL over the stored readings gives', async () => {
    const rows = (table: string, period: string) =>
      pdb.dataSource.query(
        `SELECT ${ROLLUP_COLUMNS}, ${period}::text FROM ${table} ORDER BY usage_point_id, meter_reading_id, ${period}`,
      );
    const daily = await rows('usage_daily', 'local_date');
    const monthly = await rows('usage_monthly', 'local_month');
    assert.ok(daily.length > ZONES.length * 2 * 250);
    const runner = pdb.dataSource.createQueryRunner();
    await runner.connect();
    const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
    try {
      await client.query('BEGIN');
      await client.query('DELETE FROM usage_monthly');
      await client.query('DELETE FROM usage_daily');
      const { rows: spans } = await client.query<{
        usagePointId: string;
        meterReadingId: string;
        from: string;
        to: string;
      }>(
        `SELECT usage_point_id AS "usagePointId", meter_reading_id AS "meterReadingId", extract(epoch FROM min(start))::bigint AS "from",
                extract(epoch FROM max(start))::bigint AS "to" FROM interval_reading GROUP BY 1, 2`,
      );
      await refreshRollups(
        client,
        spans.map((s) => ({ ...s, from: Number(s.from), to: Number(s.to) })),
      );
      const recomputed = async (table: string, period: string) =>
        (
          await client.query(
            `SELECT ${ROLLUP_COLUMNS}, ${period}::text FROM ${table} ORDER BY usage_point_id, meter_reading_id, ${period}`,
          )
        ).rows;
      assert.deepEqual(await recomputed('usage_daily', 'local_date'), daily);
      assert.deepEqual(await recomputed('usage_monthly', 'local_month'), monthly);
    } finally {
      await client.query('ROLLBACK');
      await runner.release();
    }
  });
});
