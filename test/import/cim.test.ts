import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importFile } from '../../src/services/import/import-file';
import { cimFixtures, realReply, SHARED_MISSING } from '../cim/support';
import { logger, openPortalTestDatabase, snapshot, type PortalTestDatabase } from './support';

const CREATED = join(cimFixtures, 'created-meter-readings.xml');
const CONNEXO_UP = '74f84543-9dc8-4e76-a667-b8c83623cf95';

describe('CIM MeterReadings files through importFile', { timeout: 120_000 }, () => {
  let db: PortalTestDatabase;
  let dir: string;
  before(async () => {
    db = await openPortalTestDatabase('cimimport');
    dir = mkdtempSync(join(tmpdir(), 'cim-import-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.close();
  });
  const load = (path: string, force = false) => importFile(db.dataSource, { path, source: 'cli', logger, force });
  const q = <T>(sql: string, params: unknown[] = []) => db.dataSource.query(sql, params) as Promise<T[]>;

  it('loads the Connexo reply with its counts and values, and a second load changes nothing', async (t) => {
    const path = realReply();
    if (!path) return t.skip(SHARED_MISSING);
    const result = await load(path);
    assert.equal(result.status, 'loaded', result.errors.join('\n'));
    assert.deepEqual(
      [result.usagePoints, result.meterReadings, result.readings, result.inserted, result.rejected, result.errors],
      [1, 2, 1164, 1164, 0, []],
    );
    assert.ok(
      result.warnings.some((w) => w.startsWith('2 register reading(s)')),
      result.warnings.join('\n'),
    );
    const series = await q<{
      external_id: string;
      name: string;
      n: number;
      total: string;
      first: Date;
      last_end: Date;
      edited: number;
      mult: number;
      uom: number;
    }>(
      `SELECT u.external_id, u.name, count(*)::int AS n, sum(r.value)::text AS total, min(r.start) AS first,
              max(r.start + r.duration * interval '1 second') AS last_end, count(*) FILTER (WHERE r.quality & 128 <> 0)::int AS edited,
              t.power_of_ten_multiplier AS mult, t.uom
         FROM interval_reading r JOIN usage_point u ON u.id = r.usage_point_id JOIN meter_reading m ON m.id = r.meter_reading_id
         JOIN reading_type t ON t.id = m.reading_type_id
        GROUP BY 1, 2, t.id ORDER BY n`,
    );
    // Figures from test/fixtures/cim/README.md (an independent Python pass over the file).
    assert.deepEqual(
      series.map((s) => [
        s.external_id,
        s.name,
        s.n,
        s.total,
        s.first.getTime() / 1000,
        s.last_end.getTime() / 1000,
        s.edited,
        s.mult,
        s.uom,
      ]),
      [
        [CONNEXO_UP, 'UP_010000010002', 12, '42482', 1498856400, 1499893200, 0, 0, 72],
        [CONNEXO_UP, 'UP_010000010002', 1152, '42238', 1498856400, 1499893200, 7, 0, 72],
      ],
    );
    const [{ batches }] = await q<{ batches: number }>(
      `SELECT count(*)::int AS batches FROM import_batch WHERE status = 'loaded'`,
    );
    const before = await snapshot(db.dataSource);
    const again = await load(path);
    assert.equal(again.inserted, 0);
    assert.match(again.warnings[0], /already loaded in batch/);
    const forced = await load(path, true);
    assert.deepEqual([forced.inserted, forced.updated, forced.unchanged], [0, 0, 1164]);
    assert.deepEqual(await snapshot(db.dataSource), before, 'neither the resend nor a forced reload wrote anything');
    const [{ after: batchesAfter }] = await q<{ after: number }>(
      `SELECT count(*)::int AS after FROM import_batch WHERE status = 'loaded'`,
    );
    assert.equal(batchesAfter, batches + 1, 'only the forced reload is a new batch');
  });

  it('a meter never linked to a usage point is reported by id and its readings are dropped; the rest loads', async () => {
    const xml = readFileSync(CREATED, 'utf8');
    const meterOnly = xml
      .replace(/<m:UsagePoint>[\s\S]*?<\/m:UsagePoint>/, '')
      .replace('0a4f3c2e-7d1b-4e55-9a61-2b8e0c6f4d17', 'ghost-meter');
    assert.notEqual(meterOnly, xml, 'the fixture changed: the edit above no longer applies');
    const path = join(dir, 'meter-only.xml');
    writeFileSync(path, meterOnly);
    const result = await load(path);
    assert.equal(result.status, 'loaded');
    assert.deepEqual(result.unknown, [
      { objectType: 'Meter', id: 'ghost-meter', kind: 'uuid', path: 'MeterReadings/MeterReading[1]/Meter' },
    ]);
    assert.equal(result.inserted, 0);
    assert.match(result.errors.join('\n'), /unknown-meter: Meter ghost-meter/);
  });

  it('a meter named with its usage point once is found by itself later', async () => {
    const xml = readFileSync(CREATED, 'utf8');
    const first = await load(CREATED);
    assert.equal(first.status, 'loaded', first.errors.join('\n'));
    assert.ok(first.inserted > 0);
    const meterOnly = xml
      .replace(/<m:UsagePoint>[\s\S]*?<\/m:UsagePoint>/, '')
      .replace(/<m:value>0\.25<\/m:value>/, '<m:value>0.5</m:value>');
    assert.notEqual(meterOnly, xml);
    const path = join(dir, 'known-meter.xml');
    writeFileSync(path, meterOnly);
    const second = await load(path);
    assert.deepEqual([second.status, second.unknown, second.updated], ['loaded', undefined, 1]);
  });

  it('a get request or a message that is not CIM is rejected with its reason', async () => {
    const get = join(dir, 'get.xml');
    writeFileSync(
      get,
      `<RequestMessage xmlns="http://iec.ch/TC57/2011/schema/message"><Header><Verb>get</Verb><Noun>MeterReadings</Noun></Header></RequestMessage>`,
    );
    const r = await load(get);
    assert.equal(r.status, 'rejected');
    assert.match(r.errors[0], /^cim-verb-not-loadable/);
    const bad = join(dir, 'bad.xml');
    writeFileSync(bad, `<EventMessage xmlns="http://iec.ch/TC57/2011/schema/message"><Header><Verb>created</Verb>`);
    const b = await load(bad);
    assert.equal(b.status, 'rejected');
    assert.match(b.errors[0], /^xml-/);
    const [{ n }] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM import_batch WHERE status = 'rejected'`);
    assert.equal(n, 2);
  });
});
