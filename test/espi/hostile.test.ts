import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectParsedFeed, parseEspiAtom, LinkedFeed } from '../../src/espi';

const opts = { source: 'test', fallbackZone: 'UTC' };

async function rejection(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): Promise<LinkedFeed> {
  const source = (async function* () {
    yield* chunks;
  })();
  const { feed } = await collectParsedFeed(parseEspiAtom(source, opts));
  assert.equal(feed.fileRejected, true, 'the file is rejected');
  return feed;
}

const errorCode = (feed: LinkedFeed) => feed.diagnostics.find((d) => d.severity === 'error')?.code;

test('XXE: a DOCTYPE with an external entity is refused, nothing is fetched', async () => {
  const feed = await rejection([
    '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title></feed>',
  ]);
  assert.equal(errorCode(feed), 'xml-dtd-refused');
  assert.equal(feed.diagnostics[0].line, 2);
});

test('billion laughs: internal entities are refused before any expansion', async () => {
  const lol = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i < 10; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  const feed = await rejection([
    `<?xml version="1.0"?><!DOCTYPE feed [${lol.join('')}]><feed xmlns="http://www.w3.org/2005/Atom">&lol9;</feed>`,
  ]);
  assert.equal(errorCode(feed), 'xml-dtd-refused');
});

test('10 000-deep nesting is refused at the depth bound', async () => {
  const feed = await rejection([
    `<feed xmlns="http://www.w3.org/2005/Atom">${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</feed>`,
  ]);
  assert.equal(errorCode(feed), 'xml-too-deep');
});

test('a 1 GB text node, streamed, is refused at the token bound with bounded memory', async () => {
  const chunk = 'x'.repeat(1024 * 1024);
  let sent = 0;
  async function* gigabyte() {
    yield '<feed xmlns="http://www.w3.org/2005/Atom"><title>';
    for (let i = 0; i < 1024; i++) {
      sent++;
      yield chunk;
    }
    yield '</title></feed>';
  }
  const before = process.memoryUsage().rss;
  const feed = await rejection(gigabyte());
  assert.equal(errorCode(feed), 'xml-token-too-long');
  assert.ok(sent < 32, `stopped after ${sent} MB, not the whole gigabyte`);
  assert.ok(process.memoryUsage().rss - before < 256 * 1024 * 1024);
});

test('a truncated file fails cleanly', async () => {
  const feed = await rejection([
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><content><UsagePoint xmlns="http://naesb.org/espi">',
  ]);
  assert.equal(errorCode(feed), 'xml-truncated');
});

test('a binary file is refused as not text', async () => {
  const bytes = new Uint8Array(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 0xff;
  const feed = await rejection([bytes]);
  assert.match(errorCode(feed) ?? '', /^(not-utf8|xml-malformed)$/);
});

test('an empty file is refused', async () => {
  const feed = await rejection([]);
  assert.equal(errorCode(feed), 'xml-empty');
});

test('well-formed XML that is not ESPI is refused', async () => {
  const feed = await rejection(['<html><body/></html>']);
  assert.equal(errorCode(feed), 'not-espi');
});
