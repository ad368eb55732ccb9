import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BlockHrefs } from '../../src/espi/block-hrefs';
import { BlockOwners } from '../../src/espi/block-owners';
import { BlockSpill, SpilledBlock } from '../../src/espi/block-spill';
import { collectParsedFeed, parseEspiAtom, ParseEvent, LinkedFeed } from '../../src/espi';
import { ATOM, ESPI, entry, reading } from './support';
import { openFilesUnder } from '../support/open-files';

const temp = mkdtempSync(join(tmpdir(), 'espi-pending-'));
after(() => rmSync(temp, { recursive: true, force: true }));

const WH =
  '<ReadingType xmlns="http://naesb.org/espi"><flowDirection>1</flowDirection><intervalLength>900</intervalLength><uom>72</uom></ReadingType>';
const DAY = 86_400;
const T0 = 1_704_067_200;
const up = (u: number) => `/RetailCustomer/${u}/UsagePoint/1`;
const mr = (u: number) => `${up(u)}/MeterReading/1`;

/** Usage point u's entries: its UsagePoint, MeterReading (→ its IntervalBlock collection) and ReadingType. */
function owner(u: number): string {
  return (
    entry(
      up(u),
      `/RetailCustomer/${u}/UsagePoint`,
      [`${up(u)}/MeterReading`],
      `<UsagePoint xmlns="${ESPI}"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint>`,
    ) +
    entry(
      mr(u),
      `${up(u)}/MeterReading`,
      [`${mr(u)}/IntervalBlock`, `/ReadingType/${u}`],
      `<MeterReading xmlns="${ESPI}"/>`,
    ) +
    entry(`/ReadingType/${u}`, '/ReadingType', [], WH)
  );
}

/** Day d of usage point u: four 900 s readings of value u + 1, linked up to `upHref` (the MR's collection by default). */
function day(u: number, d: number, upHref = `${mr(u)}/IntervalBlock`): string {
  const start = T0 + d * DAY;
  const readings = [0, 1, 2, 3].map((i) => reading(String(start + i * 900), '900', String(u + 1)));
  return entry(
    `${mr(u)}/IntervalBlock/${d}`,
    upHref,
    [],
    `<IntervalBlock xmlns="${ESPI}">${readings.join('')}</IntervalBlock>`,
  );
}

const options = (extra: object = {}) => ({ source: 'test', fallbackZone: 'UTC', tempDir: temp, ...extra });

test('blocks before their MeterReading, interleaved across meter readings, spilled to disk, all linked at the end', async () => {
  const parts = [`<feed xmlns="${ATOM}">\n`];
  // Usage point 0's blocks all come before its entries; usage point 1's alternate with 0's; 2's follow it.
  for (let d = 0; d < 40; d++) parts.push(day(0, d));
  parts.push(owner(1));
  for (let d = 40; d < 80; d++) parts.push(day(0, d), day(1, d));
  parts.push(owner(0), owner(2));
  for (let d = 0; d < 30; d++) parts.push(day(2, d));
  parts.push('</feed>\n');
  const c = await collectParsedFeed(parseEspiAtom(parts, options({ spillMemoryBytes: 0 })));
  const f = c.feed;
  assert.equal(f.errorCount, 0, JSON.stringify(f.diagnostics.slice(0, 3)));
  assert.deepEqual(
    f.meterReadings.map((m) => [m.href, m.blockCount, m.readingCount, m.valueTotal]),
    [
      [mr(1), 40, 160, 320n],
      [mr(0), 80, 320, 320n],
      [mr(2), 30, 120, 360n],
    ],
  );
  assert.equal(f.blockOwner.size, 150);
  // Usage point 0's 40 blocks and the first of the alternating ones, 79 one-block runs, one run for usage point 2.
  assert.equal(f.blockOwner.runCount, 81);
  for (const m of f.meterReadings) {
    const starts = c.readings.get(m)!.map((r) => r.start);
    assert.equal(new Set(starts).size, starts.length, 'every reading once');
    assert.equal(c.blocks.get(m)!.length, m.blockCount);
  }
  assert.equal(f.pending.spilledBlocks, 150);
  assert.equal(f.pending.spilledToDisk, true);
  assert.deepEqual(readdirSync(temp), [], 'the spill file is gone');
});

test('blocks whose owner never comes are reported after the spill, each with its readings, never dropped silently', async () => {
  const parts = [`<feed xmlns="${ATOM}">\n`, owner(0)];
  for (let d = 0; d < 20; d++) parts.push(day(0, d), day(7, d));
  parts.push('</feed>\n');
  const events: ParseEvent[] = [];
  for await (const ev of parseEspiAtom(parts, options({ spillMemoryBytes: 0 }))) events.push(ev);
  const f = (events.at(-1) as { feed: LinkedFeed }).feed;
  const unlinked = f.diagnostics.filter((d) => d.code === 'unlinked-interval-block');
  assert.equal(unlinked.length, 20);
  assert.ok(unlinked.every((d) => /its 4 readings are rejected/.test(d.message) && d.line! > 1));
  // Their readings were streamed (the loader staged them) and their ordinals are absent from blockOwner: dropped there.
  const staged = events.flatMap((ev) => (ev.type === 'readings' ? [ev.block.ordinal] : []));
  assert.equal(staged.length, 40);
  assert.deepEqual(
    staged.filter((o) => !f.blockOwner.has(o)),
    staged.filter((o) => o % 2 === 1),
  );
  assert.equal(f.meterReadings[0].readingCount, 80);
});

/** A feed of `days` days per usage point for two usage points, produced piece by piece: never whole in memory. */
async function* streamedFeed(days: number): AsyncGenerator<string> {
  yield `<feed xmlns="${ATOM}">\n`;
  for (const u of [0, 1]) {
    yield owner(u);
    for (let d = 0; d < days; d++) yield day(u, d);
  }
  yield '</feed>\n';
}

async function retained(days: number) {
  let readings = 0;
  let blocks = 0;
  let feed: LinkedFeed | undefined;
  for await (const ev of parseEspiAtom(streamedFeed(days), options({ spillMemoryBytes: 64 * 1024 }))) {
    if (ev.type === 'readings') readings += ev.readings.length;
    else if (ev.type === 'block') blocks++;
    else if (ev.type === 'linked') feed = ev.feed;
  }
  const f = feed!;
  assert.equal(f.errorCount, 0);
  assert.equal(readings, 2 * days * 4);
  assert.equal(blocks, 2 * days);
  assert.equal(f.blockOwner.size, 2 * days);
  return {
    ...f.pending,
    spilledBlocks: undefined,
    spilledBytes: undefined,
    ownerRuns: f.blockOwner.runCount,
    bytesPerBlock: f.pending.spilledBytes / blocks,
  };
}

test('what the linker holds per file does not grow with the number of blocks', async () => {
  const small = await retained(50);
  const large = await retained(4000);
  // One block open at a time, one href range and one owner run per meter reading, whatever the size; the rows
  // went to the temporary file.
  assert.deepEqual({ ...large, bytesPerBlock: undefined }, { ...small, bytesPerBlock: undefined, spilledToDisk: true });
  assert.deepEqual([large.peakOpenBlocks, large.blockHrefsHeld, large.ownerRuns], [1, 2, 2]);
  assert.ok(large.bytesPerBlock < 400, `${large.bytesPerBlock} bytes per spilled row`);
  assert.equal(small.spilledToDisk, false);
});

test('the spill file is unlinked from the start and closed when the consumer stops early', async () => {
  let blocks = 0;
  for await (const ev of parseEspiAtom(streamedFeed(4000), options({ spillMemoryBytes: 0 }))) {
    if (ev.type === 'block' && ++blocks === 3000) {
      // On disk by now, and already gone from the folder: a killed process leaves nothing behind.
      assert.match(openFilesUnder(temp).join(), /^\/espi-blocks-\w+\/spill\.bin \(deleted\)$/);
      assert.deepEqual(readdirSync(temp), []);
      break;
    }
  }
  assert.deepEqual(openFilesUnder(temp), []);
});

test('BlockSpill gives back every row as written, across chunk boundaries, in memory and on disk', () => {
  const rows: SpilledBlock[] = [];
  for (let i = 0; i < 3000; i++) {
    rows.push({
      ordinal: i,
      line: 10 * i + 1,
      entry: {
        line: 10 * i,
        self: i % 3 ? `/MeterReading/1/IntervalBlock/${i}` : undefined,
        up: 'é/ü',
        id: i === 7 ? 'x'.repeat(300_000) : undefined,
        related: [],
      },
      readingCount: i % 5,
      ranges: i % 4 === 0 ? [] : [i, i + 1, i + 5, i + 9],
      durations: i % 2 ? [900, 3, 3600, 1] : [],
      valueTotal: BigInt(i) * 2n ** 60n - 1n,
      costTotal: -BigInt(i),
      firstStart: i % 4 === 0 ? undefined : i,
      lastEnd: i % 4 === 0 ? undefined : i + 9,
    });
  }
  for (const memory of [1 << 30, 100_000, 0]) {
    const spill = new BlockSpill(memory, temp);
    for (const r of rows) spill.write(r);
    assert.deepEqual([...spill.read()], rows);
    assert.equal(spill.onDisk, memory < 1 << 30);
    spill.close();
  }
  assert.deepEqual(readdirSync(temp), []);
});

test('BlockHrefs: numbered hrefs as ranges, others kept whole, 07 and 7 apart', () => {
  const hrefs = new BlockHrefs();
  for (const n of [0, 1, 2, 3, 4, 5]) assert.ok(hrefs.add(`/MeterReading/1/IntervalBlock/${n}`));
  assert.equal(hrefs.add('/MeterReading/1/IntervalBlock/3'), false);
  assert.ok(hrefs.add('/MeterReading/1/IntervalBlock/03'));
  assert.ok(hrefs.add('/MeterReading/2/IntervalBlock/3'));
  assert.ok(hrefs.add('/IntervalBlock/abc'));
  assert.equal(hrefs.add('/IntervalBlock/abc'), false);
  assert.ok(
    hrefs.has('/MeterReading/1/IntervalBlock/0') &&
      !hrefs.has('/MeterReading/1/IntervalBlock/6') &&
      !hrefs.has('/IntervalBlock/abd'),
  );
  assert.equal(hrefs.retained, 4, 'one range per collection, plus …/03 and …/abc whole');
});

test('BlockOwners: runs of consecutive ordinals, read like a map', () => {
  const owners = new BlockOwners<string>();
  for (const [o, who] of [
    [0, 'a'],
    [1, 'a'],
    [2, 'b'],
    [4, 'b'],
    [5, 'b'],
    [6, 'a'],
  ] as const)
    owners.add(o, who);
  assert.equal(owners.runCount, 4);
  assert.equal(owners.size, 6);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7].map((o) => owners.get(o)),
    ['a', 'a', 'b', undefined, 'b', 'b', 'a', undefined],
  );
  assert.deepEqual(
    [...owners],
    [
      [0, 'a'],
      [1, 'a'],
      [2, 'b'],
      [4, 'b'],
      [5, 'b'],
      [6, 'a'],
    ],
  );
  assert.throws(() => owners.add(6, 'a'), /after block 6/);
});

test('repeated block self links: a second block with it and another kind with it are reported; blocks of one entry are not', async () => {
  const twoInOne = entry(
    `${mr(0)}/IntervalBlock/50`,
    `${mr(0)}/IntervalBlock`,
    [],
    ['0', '1']
      .map(
        (h) =>
          `<IntervalBlock xmlns="${ESPI}">${reading(String(T0 + 50 * DAY + Number(h) * 900), '900', '1')}</IntervalBlock>`,
      )
      .join(''),
  );
  const xml = `<feed xmlns="${ATOM}">\n${owner(0)}${day(0, 1)}${twoInOne}${day(0, 2).replace('IntervalBlock/2"', 'IntervalBlock/1"')}${entry(`${mr(0)}/IntervalBlock/50`, '/ReadingType', [], WH)}</feed>\n`;
  const { feed: f } = await collectParsedFeed(parseEspiAtom([xml], options()));
  const collisions = f.diagnostics.filter((d) => d.code === 'self-link-collision');
  assert.deepEqual(
    collisions.map((d) => [d.entity, d.message]),
    [
      [`${mr(0)}/IntervalBlock/1`, 'IntervalBlock has the self link of an earlier IntervalBlock; both kept'],
      [`${mr(0)}/IntervalBlock/50`, 'ReadingType has the self link of an earlier IntervalBlock; both kept'],
    ],
  );
  assert.equal(f.meterReadings[0].blockCount, 4);
});
