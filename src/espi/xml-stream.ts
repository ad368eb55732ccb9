import { SaxesParser, SaxesTagNS } from 'saxes';
import { TextDecoder } from 'node:util';
import { EspiFileError } from './diagnostics';

/** Bounds that keep hostile input from costing memory or time; the defaults sit far above any real ESPI file. */
export interface XmlLimits {
  /** Deepest element nesting accepted (ESPI needs about 10). */
  maxDepth: number;
  /** Longest run of characters without a parser event: bounds text nodes, attribute values, comments and CDATA. */
  maxTokenChars: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 64, maxTokenChars: 8 * 1024 * 1024 };

export interface XmlHandler {
  onOpen(tag: SaxesTagNS, line: number): void;
  onClose(tag: SaxesTagNS, line: number): void;
  onText(text: string): void;
}

export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** Slices are fed to saxes at most this long, so the token guard overshoots its bound by at most this much. */
const SLICE = 64 * 1024;

/**
 * Drives saxes over a byte stream, one chunk at a time, and calls `afterChunk` between chunks so the caller can
 * hand its records downstream: nothing but the current chunk and the caller's small state is ever in memory.
 * DTDs are refused outright (saxes never resolves external entities, and refusing the DOCTYPE also stops internal
 * entity expansion, so XXE and billion laughs both end here).
 */
export async function* driveXml<T>(
  source: ByteSource,
  handler: XmlHandler,
  afterChunk: () => T[],
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): AsyncGenerator<T> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  // saxes stores each handler under a computed property name; V8 turns the parser into a slow dictionary object
  // at the seventh such store, which made every character 4× dearer. Six handlers at most: comments and PIs get
  // none, so they count toward the token bound below like the text around them.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let depth = 0;
  let lastEventAt = 0;
  let sawRoot = false;
  const fail = (code: string, message: string): never => {
    throw new EspiFileError(code, message, parser.line);
  };
  const mark = () => {
    lastEventAt = parser.position;
  };
  parser.on('error', (err) => fail('xml-malformed', `not well-formed XML: ${err.message.replace(/^.*?:\d+:\d+: /, '')}`));
  parser.on('doctype', () => fail('xml-dtd-refused', 'a DOCTYPE is not accepted in ESPI files (DTDs and entities are never resolved)'));
  parser.on('opentag', (tag) => {
    mark();
    sawRoot = true;
    if (++depth > limits.maxDepth) fail('xml-too-deep', `element nesting deeper than ${limits.maxDepth}`);
    handler.onOpen(tag as SaxesTagNS, parser.line);
  });
  parser.on('closetag', (tag) => {
    mark();
    depth--;
    handler.onClose(tag as SaxesTagNS, parser.line);
  });
  parser.on('text', (text) => {
    mark();
    handler.onText(text);
  });
  parser.on('cdata', (text) => {
    mark();
    handler.onText(text);
  });

  const feed = (text: string) => {
    for (let i = 0; i < text.length; i += SLICE) {
      parser.write(text.length <= SLICE ? text : text.slice(i, i + SLICE));
      if (parser.position - lastEventAt > limits.maxTokenChars) {
        fail('xml-token-too-long', `a text node, attribute or comment longer than ${limits.maxTokenChars} characters`);
      }
    }
  };
  for await (const chunk of source) {
    feed(typeof chunk === 'string' ? chunk : decodeChunk(decoder, chunk, parser.line));
    yield* afterChunk();
  }
  feed(decodeChunk(decoder, undefined, parser.line));
  if (!sawRoot) fail('xml-empty', 'the file holds no XML element (empty or not XML)');
  if (depth > 0) fail('xml-truncated', `the file ends inside ${depth} unclosed element(s): truncated`);
  parser.close();
  yield* afterChunk();
}

function decodeChunk(decoder: TextDecoder, chunk: Uint8Array | undefined, line: number): string {
  try {
    return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
  } catch {
    throw new EspiFileError('not-utf8', 'bytes that are not UTF-8 text: a binary or wrongly encoded file', line);
  }
}
