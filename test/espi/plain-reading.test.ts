import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateEspiFeed } from '../../bench/espi-parse-generate';
import { EspiFileError } from '../../src/espi';
import { readEspiAtom, ReaderOptions } from '../../src/espi/atom-reader';
import {
  NOT_A_READING,
  PlainReadingScanner,
  READING_INCOMPLETE,
  READING_NOT_PLAIN,
} from '../../src/espi/plain-reading';
import { sharedDir } from '../support/paths';
import { espiFixtures } from './support';

/**
 * The fast path for plain IntervalReadings (`plain-reading.ts`) against the reader's general path (every reading
 * through the tokenizer, `plainReadings: false`): the same events, in the same order, with the same fields in the
 * same key order and the same lines, and the same error (code, message, line), for every document, limit and
 * chunking tried.
 */

/** Every event as text (insertion order of keys kept, -0 and NaN told apart), then the error that ended the read. */
async function readAll(bytes: Buffer, options: ReaderOptions, chunkSizes: number[]): Promise<string[]> {
  const chunks: Buffer[] = [];
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const size = chunkSizes[k % chunkSizes.length];
    chunks.push(bytes.subarray(i, i + size));
    i += size;
  }
  const out: string[] = [];
  try {
    for await (const ev of readEspiAtom(chunks, options)) out.push(JSON.stringify(ev, exact));
  } catch (err) {
    if (!(err instanceof EspiFileError)) throw err;
    out.push(`error ${JSON.stringify(err.diagnostic)} ${err.message}`);
  }
  return out;
}

function exact(_key: string, value: unknown) {
  if (typeof value !== 'number') return value;
  return Object.is(value, -0) ? '-0' : Number.isNaN(value) ? 'NaN' : value;
}

async function assertSame(
  name: string,
  bytes: Buffer,
  chunkings: number[][],
  options: Pick<ReaderOptions, 'limits' | 'batchSize'> = {},
) {
  for (const chunkSizes of chunkings) {
    const expected = await readAll(bytes, { ...options, plainReadings: false }, chunkSizes);
    const actual = await readAll(bytes, { ...options, plainReadings: true }, chunkSizes);
    let at = 0;
    while (at < Math.max(actual.length, expected.length) && actual[at] === expected[at]) at++;
    if (at < Math.max(actual.length, expected.length)) {
      assert.fail(
        `${name}, chunks of ${chunkSizes.join(',')}: event ${at} differs\n  fast:    ${actual[at]?.slice(0, 600)}\n  general: ${expected[at]?.slice(0, 600)}`,
      );
    }
  }
}

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)] };
}

const WHITESPACE = [
  '',
  ' ',
  '\n',
  '\n        ',
  '\r\n          ',
  '\t',
  '\r',
  '  \n\t ',
  '\n  <!-- note -->\n  ',
  '<!---->',
  '<!--->x-->',
  '<!-- a\r\nb\rc -->',
];
const NUMBERS = [
  '0',
  '900',
  '1704085200',
  '-5',
  '+7',
  '-0',
  '007',
  ' 42 ',
  '\n13\r\n',
  '140737488355327',
  '-140737488355328',
];
/** Text a field may hold that the fast path must leave to the tokenizer, or that the tokenizer refuses. */
const ODD_NUMBERS = [
  '',
  ' ',
  '1.5',
  '12a',
  '- 3',
  '+',
  '1 2',
  '140737488355328',
  '-140737488355329',
  '99999999999999999999',
  '&#49;2',
  '1&amp;',
  '&lt;',
  '&nbsp;',
  '<![CDATA[12]]>',
  '1<!-- c -->2',
  '3<?pi x?>',
  '４２',
  'é',
  '\u0001',
  '5]]>',
  '1&',
  '<b>1</b>',
  '<cost>4</cost>',
];

/** What the readings of one block share when it is written as custodians do: whitespace, fields and their order. */
interface Layout {
  ws: string;
  seed: number;
}

/**
 * One IntervalReading with random field order, whitespace, numbers and, now and then, one of the shapes the fast
 * path must decline (or the tokenizer refuse): comments, attributes, references, unknown or malformed elements.
 * With a layout, only the numbers (and the odd shapes) vary from reading to reading.
 */
function randomReading(rnd: ReturnType<typeof random>, p: string, odd: boolean, layout: Layout | undefined): string {
  const shape = layout ? random(layout.seed) : rnd;
  const ws = () => (layout ? layout.ws : rnd.pick(WHITESPACE));
  const num = () => rnd.pick(NUMBERS);
  const leaf = (name: string, text = num()) => `<${p}${name}>${text}</${p}${name}>`;
  const parts: string[] = [];
  if (shape.next() < 0.8) parts.push(leaf('cost'));
  const period: string[] = [];
  if (shape.next() < 0.95) period.push(leaf('duration', rnd.pick(['900', '3600', '86400', '-900', '0'])));
  if (shape.next() < 0.95) period.push(leaf('start', String(1704085200 + rnd.int(100000))));
  if (shape.next() < 0.5) period.reverse();
  // As in the Green Button Alliance's samples: a comment naming the reading's local time, different every time.
  if (shape.next() < 0.2) period.push(`<!-- ${rnd.int(100000)}/1/2013 5:00:00 AM -->`);
  parts.push(`<${p}timePeriod>${ws()}${period.join(ws())}${ws()}</${p}timePeriod>`);
  if (shape.next() < 0.9) parts.push(leaf('value'));
  if (shape.next() < 0.2)
    parts.push(`<${p}ReadingQuality>${ws()}${leaf('quality', rnd.pick(['7', '8', '17']))}${ws()}</${p}ReadingQuality>`);
  if (shape.next() < 0.1)
    parts.push(`<${p}ReadingQuality>${leaf('quality', '19')}${leaf('quality', '0')}</${p}ReadingQuality>`);
  for (const name of ['tou', 'cpp', 'consumptionTier']) if (shape.next() < 0.1) parts.push(leaf(name));
  if (shape.next() < 0.05) parts.push(leaf('value', '11'));
  if (shape.next() < 0.05) parts.push(`<${p}timePeriod></${p}timePeriod>`);
  for (let i = parts.length - 1; i > 0; i--) {
    if (shape.next() < 0.3) {
      const j = shape.int(i + 1);
      [parts[i], parts[j]] = [parts[j], parts[i]];
    }
  }
  let open = `<${p}IntervalReading>`;
  let close = `</${p}IntervalReading>`;
  if (odd) {
    const at = rnd.int(parts.length + 1);
    switch (rnd.int(22)) {
      case 0:
        parts.splice(
          at,
          0,
          rnd.pick([
            '<!-- a comment -->',
            '<!-- a -- b -->',
            '<!-- \u0001 -->',
            '<!-- unterminated',
            '<!-- x --->',
            '<!- x ->',
            '<!--',
            '<!-- é -->',
            '<![CDATA[]]>',
            '<!DOCTYPE x>',
          ]),
        );
        break;
      case 1:
        parts.splice(at, 0, '<?pi inside?>');
        break;
      case 2:
        parts.splice(
          at,
          0,
          leaf(rnd.pick(['value', 'cost', 'start', 'duration', 'tou', 'quality']), rnd.pick(ODD_NUMBERS)),
        );
        break;
      case 3:
        parts.splice(
          at,
          0,
          leaf(rnd.pick(['foo', 'Value', 'costs', 'interval', 'IntervalReading', 'timeperiod', 'qualityX'])),
        );
        break;
      case 4:
        parts.splice(at, 0, `<${p}value a="1">5</${p}value>`);
        break;
      case 5:
        open = rnd.pick([
          `<${p}IntervalReading >`,
          `<${p}IntervalReading\n>`,
          `<${p}IntervalReading id="x">`,
          `<${p}IntervalReading xmlns="http://naesb.org/espi">`,
        ]);
        break;
      case 6:
        close = rnd.pick([
          `</${p}IntervalReading >`,
          `</${p}IntervalReading\r\n>`,
          `</${p}IntervalReadin>`,
          `</${p}IntervalReadingX>`,
          `</${p}IntervalReading`,
        ]);
        break;
      case 7:
        parts.splice(at, 0, rnd.pick([`<${p}cpp/>`, `<${p}cpp />`, `<${p}timePeriod/>`, `<${p}ReadingQuality/>`]));
        break;
      case 8:
        parts.splice(
          at,
          0,
          rnd.pick([
            `<${p}value >3</${p}value>`,
            `<${p}value>3</${p}value >`,
            `<${p}value>3</${p}valu>`,
            `<${p}value>3</${p}value`,
            `<${p}value>3<${p}value>`,
            `<${p}value 1>`,
          ]),
        );
        break;
      case 9:
        parts.splice(at, 0, rnd.pick(['text', '&amp;', '<![CDATA[ ]]>', '\u0002', 'x]]>']));
        break;
      case 10:
        parts.splice(
          at,
          0,
          rnd.pick([
            '<other:value xmlns:other="http://naesb.org/espi">4</other:value>',
            '<un:value>4</un:value>',
            '<alias:value>4</alias:value>',
            '<value>4</value>',
            '<espi:value>4</espi:value>',
          ]),
        );
        break;
      case 11:
        parts.splice(at, 0, `<${p}timePeriod><${p}value>9</${p}value><${p}start>1</${p}start></${p}timePeriod>`);
        break;
      case 12:
        parts.splice(at, 0, `<${p}ReadingQuality><${p}cost>9</${p}cost>x</${p}ReadingQuality>`);
        break;
      case 13:
        parts.splice(at, 0, `<${p}value><${p}cost>1</${p}cost></${p}value>`);
        break;
      case 14:
        parts.splice(at, 1);
        break;
      case 15:
        parts.splice(at, 0, `<${p}start>${rnd.pick(['1.5', '12.', '.5', ' -3.25 ', '1e3'])}</${p}start>`);
        break;
      case 16:
        parts.splice(
          at,
          0,
          `<${p}timePeriod><${p}start>1</${p}start><${p}duration>-60</${p}duration></${p}timePeriod>`,
        );
        break;
      case 17:
        parts.splice(
          at,
          0,
          `<${p}timePeriod><${p}timePeriod><${p}start>2</${p}start></${p}timePeriod></${p}timePeriod>`,
        );
        break;
      case 18:
        parts.splice(at, 0, `<${p}value>\u00e9</${p}value>`);
        break;
      case 19:
        parts.splice(at, 0, `<${p}value>1\u00a02</${p}value>`);
        break;
      case 20:
        parts.splice(at, 0, `<${p}consumptionTier>${rnd.pick(NUMBERS)}</${p}consumptionTier><${p}tou>&#x31;</${p}tou>`);
        break;
      case 21:
        parts.splice(at, 0, `<${p}IntervalReading><${p}value>1</${p}value></${p}IntervalReading>`);
        break;
    }
  }
  return `${open}${ws()}${parts.join(ws())}${ws()}${close}`;
}

const ATOM = 'http://www.w3.org/2005/Atom';
const ESPI = 'http://naesb.org/espi';

/** A feed of a few blocks, under a default namespace or a prefix, with randomly shaped readings. */
function randomFeed(seed: number): string {
  const rnd = random(seed);
  const oddRate = rnd.pick([0, 0.05, 0.3]);
  const nl = rnd.pick(['\n', '\r\n', '']);
  let xml = rnd.pick(['', '<?xml version="1.0" encoding="UTF-8"?>\n', '\uFEFF<?xml version="1.0"?>\r\n']);
  xml += `<feed xmlns="${ATOM}" xmlns:alias="${ESPI}">${nl}`;
  const blocks = 1 + rnd.int(3);
  for (let b = 0; b < blocks; b++) {
    const prefix = rnd.pick(['', 'espi:', 'espi:', 'ns2:']);
    const declare = prefix ? `xmlns:${prefix.slice(0, -1)}="${ESPI}"` : `xmlns="${ESPI}"`;
    // Now and then the readings' prefix is not the block's: bound elsewhere (alias), or not at all.
    const p = rnd.next() < 0.05 ? rnd.pick(['alias:', 'espi:', '', 'un:', 'ns9:', 'epsi:']) : prefix;
    const readings: string[] = [];
    const count = rnd.int(16);
    const layout = rnd.next() < 0.7 ? { ws: rnd.pick(WHITESPACE), seed: rnd.int(1 << 30) } : undefined;
    for (let r = 0; r < count; r++) readings.push(randomReading(rnd, p, rnd.next() < oddRate, layout));
    const interval =
      rnd.next() < 0.7
        ? `<${prefix}interval><${prefix}duration>86400</${prefix}duration><${prefix}start>1704085200</${prefix}start></${prefix}interval>`
        : '';
    const before = rnd.next() < 0.1 ? `<${prefix}unknownThing a="1">x</${prefix}unknownThing>` : '';
    xml += `<entry><id>urn:uuid:b${b}</id><link rel="self" href="/IntervalBlock/${b}"/><content>${nl}`;
    xml += `  <${prefix}IntervalBlock ${declare}>${nl}${interval}${before}${readings.map((r) => `    ${r}${nl}`).join('')}  </${prefix}IntervalBlock>${nl}`;
    xml += `</content></entry>${nl}`;
  }
  xml += '</feed>\n';
  return xml;
}

const CHUNKINGS_SMALL = [[1], [2], [3], [5], [7], [16], [64], [1 << 30], [1, 9, 2, 31, 4, 100]];

test('the scanner takes a plain reading whole, and declines every other shape', () => {
  const scanner = new PlainReadingScanner();
  const plain = Buffer.from(
    '<IntervalReading>\r\n  <cost>2600</cost>\n  <timePeriod>\n    <duration>900</duration>\n    <start>1704085200</start>\n  </timePeriod>\n  <value>-200</value>\n  <ReadingQuality><quality>8</quality></ReadingQuality>\n</IntervalReading>tail',
  );
  assert.equal(scanner.scan(plain, 0, ''), plain.length - 4);
  const reading = scanner.reading;
  assert.deepEqual(reading, { start: 1704085200, duration: 900, line: 0, cost: 2600, value: -200, qualities: [8] });
  assert.deepEqual(
    Object.keys(reading),
    ['start', 'duration', 'line', 'cost', 'value', 'qualities'],
    'fields in document order',
  );
  assert.equal(scanner.lineBreaks, 8);
  // The next reading of the same layout matches the first as a template: new numbers, the same line breaks.
  const next = Buffer.from(
    plain.toString().replace('2600', '31').replace('1704085200', '1704086100').replace('-200', '0'),
  );
  assert.equal(scanner.scan(next, 0, ''), next.length - 4);
  assert.deepEqual(scanner.reading, { start: 1704086100, duration: 900, line: 0, cost: 31, value: 0, qualities: [8] });
  assert.equal(scanner.lineBreaks, 8);

  const prefixed = Buffer.from('<espi:IntervalReading><espi:value>5</espi:value></espi:IntervalReading>');
  assert.equal(scanner.scan(prefixed, 0, 'espi'), prefixed.length);
  assert.equal(scanner.scan(prefixed, 0, ''), NOT_A_READING, "not under the block's prefix");

  const scanned = (xml: string) => scanner.scan(Buffer.from(xml), 0, '');
  assert.equal(scanned('<IntervalReading><value>5</value></IntervalRead'), READING_INCOMPLETE);
  assert.equal(scanned('<IntervalReading><value>5</va'), READING_INCOMPLETE);
  assert.equal(scanned('<IntervalReading><value>&#53;</value></IntervalReading>'), READING_NOT_PLAIN);
  assert.equal(scanned('<IntervalReading><value>140737488355328</value></IntervalReading>'), READING_NOT_PLAIN);
  assert.equal(
    scanned('<IntervalReading><!-- c\n --><value>5</value></IntervalReading>'),
    62,
    'a comment between fields is taken',
  );
  assert.equal(scanned('<IntervalReading><value>5<!-- c --></value></IntervalReading>'), READING_NOT_PLAIN);
  assert.equal(scanned('<IntervalReading><!-- a -- b --><value>5</value></IntervalReading>'), READING_NOT_PLAIN);
  assert.equal(scanned('<IntervalReading><!-- \u0001 --><value>5</value></IntervalReading>'), READING_NOT_PLAIN);
  assert.equal(scanned('<IntervalReading><!-- c -'), READING_INCOMPLETE);
  assert.equal(scanned('<IntervalReading><value >5</value></IntervalReading>'), READING_NOT_PLAIN);
  assert.equal(scanned('<IntervalReading><foo>5</foo></IntervalReading>'), READING_NOT_PLAIN);
  assert.equal(
    scanned('<IntervalReading><timePeriod><value>5</value></timePeriod></IntervalReading>'),
    READING_NOT_PLAIN,
  );
  assert.equal(scanned('<IntervalReading a="1"><value>5</value></IntervalReading>'), NOT_A_READING);
  assert.equal(scanned('<interval><start>5</start></interval>'), NOT_A_READING);
});

test('fast and general paths agree on every sample and fixture, whatever the chunk boundaries', async () => {
  const dirs = [join(espiFixtures, 'samples'), ...(sharedDir ? [join(sharedDir, 'data', 'espi', 'samples')] : [])];
  let files = 0;
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.xml'))) {
      const bytes = readFileSync(join(dir, name));
      await assertSame(name, bytes, [[1 << 30], [4096], [997], [65536, 13, 333]]);
      files++;
    }
  }
  assert.ok(files >= 6, `samples read: ${files}`);
});

test("fast and general paths agree on the benchmark generator's feed, which the fast path takes whole", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plain-reading-'));
  const original = PlainReadingScanner.prototype.scan;
  let taken = 0;
  // Counts what the fast path takes, calling through: the agreement below means little if it never runs.
  PlainReadingScanner.prototype.scan = function (...args: Parameters<typeof original>) {
    const end = original.apply(this, args);
    if (end >= 0) taken++;
    return end;
  };
  try {
    const file = join(dir, 'feed.xml');
    await generateEspiFeed(file, 2000, 700);
    const bytes = readFileSync(file);
    taken = 0;
    await assertSame('generated feed', bytes, [[1 << 30]]);
    assert.equal(taken, 2000, 'every generated reading goes through the fast path');
    await assertSame('generated feed', bytes, [[256 * 1024], [4093], [100], [17]], { batchSize: 50 });
  } finally {
    PlainReadingScanner.prototype.scan = original;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fast and general paths agree on mutated feeds: odd shapes, bad numbers, malformed tags, any chunking', async () => {
  for (let seed = 1; seed <= 200; seed++) {
    const xml = randomFeed(seed);
    await assertSame(
      `seed ${seed}`,
      Buffer.from(xml),
      seed % 25 === 0 ? CHUNKINGS_SMALL : [[1 << 30], [1 + (seed % 7)], [1 + (seed % 97), 3]],
      { batchSize: 1 + (seed % 5) },
    );
  }
});

/** What may stand between elements in a reading, for the fast path to take or decline as the tokenizer would. */
const BETWEEN = [
  '<!-- note -->',
  '<!---->',
  '<!--->x-->',
  '<!-- a -- b -->',
  '<!-- x --->',
  '<!-- \u0001 -->',
  '<!-- \r\n\t é -->',
  '<!- x ->',
  '<!--',
  '<![CDATA[ ]]>',
  '<!DOCTYPE x>',
  '<?pi x?>',
  'text',
  '&amp;',
  '\u0002',
  '<foo/>',
  '<value a="1">5</value>',
  '<value >5</value>',
  '<value>5</value >',
  '<value/>',
  '</value>',
  '<value>5</cost>',
];

test('fast and general paths agree on each odd shape, in a block of plain readings, wherever it stands', async () => {
  const plain = (n: number, inPeriod = '', inReading = '', valueText = String(n)) =>
    `<IntervalReading>\n  <cost>${n * 3}</cost>${inReading}\n  <timePeriod>\n    <duration>900</duration>${inPeriod}\n    <start>${n * 900}</start>\n  </timePeriod>\n  <value>${valueText}</value>\n</IntervalReading>\n`;
  const feed = (odd: string) =>
    `<feed xmlns="${ATOM}"><entry><content>\n<IntervalBlock xmlns="${ESPI}">\n${plain(1)}${plain(2)}${odd}${plain(4)}${plain(5)}</IntervalBlock></content></entry></feed>\n`;
  const cases = [
    ...BETWEEN.flatMap((f) => [plain(3, f), plain(3, '', f)]),
    ...ODD_NUMBERS.map((text) => plain(3, '', '', text)),
    ...NUMBERS.map((text) => plain(3, '', '', text)),
  ];
  for (const odd of cases) await assertSame(JSON.stringify(odd), Buffer.from(feed(odd)), [[1 << 30], [1], [7], [64]]);
});

test('fast and general paths agree on truncated feeds and at the depth and token limits', async () => {
  for (let seed = 1000; seed < 1060; seed++) {
    const bytes = Buffer.from(randomFeed(seed));
    const rnd = random(seed);
    for (let k = 0; k < 4; k++)
      await assertSame(`seed ${seed} truncated`, bytes.subarray(0, rnd.int(bytes.length)), [
        [1 << 30],
        [1 + rnd.int(50)],
      ]);
    // feed > entry > content > IntervalBlock > IntervalReading > timePeriod > start is 7 deep.
    for (const maxDepth of [5, 6, 7])
      await assertSame(`seed ${seed} maxDepth ${maxDepth}`, bytes, [[1 << 30], [11]], {
        limits: { maxDepth, maxTokenLength: 1 << 20 },
      });
    for (const maxTokenLength of [8, 24, 60])
      await assertSame(`seed ${seed} maxTokenLength ${maxTokenLength}`, bytes, [[5], [40], [1 << 30]], {
        limits: { maxDepth: 64, maxTokenLength },
      });
  }
});

test("a block's prefix does not carry over: readings under a prefix bound only in an earlier block are refused", async () => {
  const reading = (p: string, start: number) =>
    `<${p}IntervalReading><${p}timePeriod><${p}duration>900</${p}duration><${p}start>${start}</${p}start></${p}timePeriod><${p}value>1</${p}value></${p}IntervalReading>`;
  const block = (prefix: string, p: string) =>
    `<entry><content><${prefix}IntervalBlock xmlns${prefix ? `:${prefix.slice(0, -1)}` : ''}="${ESPI}">${reading(p, 0)}${reading(p, 900)}</${prefix}IntervalBlock></content></entry>`;
  // The second block's prefix: none, or one as long as the first's.
  for (const second of ['', 'ipse:']) {
    const xml = `<feed xmlns="${ATOM}">${block('espi:', 'espi:')}${block(second, 'espi:')}</feed>`;
    await assertSame(`prefix swap to "${second}"`, Buffer.from(xml), CHUNKINGS_SMALL);
    const events = await readAll(Buffer.from(xml), {}, [1 << 30]);
    assert.match(events[events.length - 1], /"code":"xml-malformed".*prefix "espi"/);
  }
});
