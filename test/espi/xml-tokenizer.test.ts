import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SaxesParser } from 'saxes';
import { EspiFileError } from '../../src/espi';
import { XmlAttributes, XmlText } from '../../src/espi/xml-handler';
import { XmlTokenizer } from '../../src/espi/xml-tokenizer';

/** Events as one comparable list; adjacent text is merged and whitespace-only text dropped, as ESPI reads it. */
function ours(xml: string, chunkSize = Infinity): string[] | string {
  const events: string[] = [];
  let text = '';
  const flush = () => {
    if (text.trim()) events.push(`text ${text}`);
    text = '';
  };
  const tokenizer = new XmlTokenizer({
    onOpen(uri: string, local: string, attributes: XmlAttributes | undefined) {
      flush();
      const attrs = [...(attributes ?? new Map<string, string>())].filter(
        ([k]) => k !== 'xmlns' && !k.startsWith('xmlns:'),
      );
      events.push(`open {${uri}}${local} ${attrs.map(([k, v]) => `${k}=${v}`).join(' ')}`.trim());
    },
    onClose(uri: string, local: string) {
      flush();
      events.push(`close {${uri}}${local}`);
    },
    onText(run: XmlText) {
      text += run.string();
    },
  });
  try {
    const bytes = Buffer.from(xml, 'utf8');
    const step = Math.min(chunkSize, bytes.length || 1);
    for (let i = 0; i < bytes.length; i += step) tokenizer.write(bytes.subarray(i, i + step));
    tokenizer.end();
  } catch (err) {
    if (err instanceof EspiFileError) return err.diagnostic.code;
    throw err;
  }
  return events;
}

function saxes(xml: string): string[] | string {
  const events: string[] = [];
  let text = '';
  const flush = () => {
    if (text.trim()) events.push(`text ${text}`);
    text = '';
  };
  const parser = new SaxesParser({ xmlns: true });
  let failed = false;
  parser.on('error', () => {
    failed = true;
  });
  parser.on('opentag', (tag) => {
    flush();
    const attrs = Object.values(tag.attributes).filter((a) => a.prefix !== 'xmlns' && a.name !== 'xmlns');
    events.push(`open {${tag.uri}}${tag.local} ${attrs.map((a) => `${a.name}=${a.value}`).join(' ')}`.trim());
  });
  parser.on('closetag', (tag) => {
    flush();
    events.push(`close {${tag.uri}}${tag.local}`);
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('doctype', () => (failed = true));
  parser.write(xml).close();
  return failed ? 'error' : events;
}

const WELL_FORMED = [
  '<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="self" href="/a/b"/><title>x &amp; y &#x41;&#66;</title></entry></feed>',
  '<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- c -->\r\n<a:feed xmlns:a="urn:a" xmlns="urn:d"><b x=\'1\' a:y="2&lt;">\r\n t\r\n</b><?pi data?><![CDATA[<raw> & ]]></a:feed>\n',
  '\uFEFF<f xmlns="urn:x"><g xmlns="">ünïcødé 💡</g><h/></f>',
  '<f><v>12<!-- split -->34</v><w> 5 </w><e></e></f>',
  '<f a="tab\there&#10;nl"\n   b = "2" ></f >',
];

const MALFORMED = [
  '<f><g></f></g>',
  '<f></f><g></g>',
  'text<f/>',
  '<f>x</f>y',
  '<f a="1" a="2"/>',
  '<f a=1/>',
  '<f a="<"/>',
  '<f>&nbsp;</f>',
  '<f>& x</f>',
  '<f>&#0;</f>',
  '<f>]]></f>',
  '<f><!-- a -- b --></f>',
  '<f>\u0001</f>',
  '<p:f/>',
  '<f p:a="1"/>',
  '<f><?xml version="1.0"?></f>',
  '<f a="1"b="2"/>',
  '<1f/>',
  '<f xmlns:p=""/>',
  '<f><![CDATA[x]]></f><![CDATA[y]]>',
];

test('the tokenizer reports what saxes reports on well-formed documents, whatever the chunk boundaries', () => {
  for (const xml of WELL_FORMED) {
    const expected = saxes(xml);
    assert.notEqual(expected, 'error', xml);
    assert.deepEqual(ours(xml), expected, xml);
    for (const size of [1, 2, 3, 7]) assert.deepEqual(ours(xml, size), expected, `${xml} in ${size}-byte chunks`);
  }
});

test('the tokenizer refuses what saxes refuses', () => {
  for (const xml of MALFORMED) {
    assert.equal(saxes(xml), 'error', `saxes accepts ${xml}`);
    assert.equal(ours(xml), 'xml-malformed', xml);
    assert.equal(ours(xml, 1), 'xml-malformed', `${xml} byte by byte`);
  }
});

test('truncation, invalid UTF-8, split characters and DOCTYPE', () => {
  assert.equal(ours('<f><g>'), 'xml-truncated');
  assert.equal(ours('<f><g a="1'), 'xml-truncated');
  assert.equal(ours('<f><!-- x'), 'xml-truncated');
  assert.equal(ours(''), 'xml-empty');
  assert.equal(ours('<!DOCTYPE f><f/>'), 'xml-dtd-refused');
  assert.equal(ours('<f>💡</f>', 1)[1], 'text 💡');
  const bad = new XmlTokenizer({ onOpen() {}, onClose() {}, onText() {} });
  assert.throws(
    () => bad.write(Buffer.from([0x3c, 0x66, 0x3e, 0xc3, 0x28])),
    (e: EspiFileError) => e.diagnostic.code === 'not-utf8',
  );
});

test('lines count LF, CRLF and lone CR, across chunks', () => {
  const lines: number[] = [];
  const tokenizer = new XmlTokenizer({
    onOpen(_u: string, _l: string, _a: XmlAttributes | undefined, at: { line: number }) {
      lines.push(at.line);
    },
    onClose() {},
    onText() {},
  });
  const xml = Buffer.from('<f>\n<a/>\r\n<b/>\r<c/>\n\n<d\n/></f>');
  for (let i = 0; i < xml.length; i += 3) tokenizer.write(xml.subarray(i, i + 3));
  tokenizer.end();
  assert.deepEqual(lines, [1, 2, 3, 4, 6]);
});
