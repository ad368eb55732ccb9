import { SaxesParser } from 'saxes';
import { TextDecoder } from 'node:util';
import { ByteSource } from '../xml/byte-source';
import { DEFAULT_XML_LIMITS } from '../xml/limits';
import { CimMessageError } from './message-error';

export interface XmlSink {
  /** Attributes by local name: CIM uses only unprefixed ones (`ref`, `kind`, `idType`). */
  open(ns: string, local: string, attributes: ReadonlyMap<string, string>, line: number): void;
  close(line: number): void;
  text(text: string): void;
}

const SLICE = 64 * 1024;
const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();

/**
 * Streams bytes through saxes into `sink`, yielding what `drain` returns after each chunk so records flow out
 * while the message is still arriving. Any DOCTYPE is refused: saxes never fetches external entities, and with
 * no DTD no internal entity can be declared either, so XXE and entity expansion both stop here.
 *
 * ESPI files have their own byte tokenizer (src/espi/xml-tokenizer.ts): its errors are ESPI's, while a CIM
 * message's errors carry the reply codes it is answered with.
 */
export async function* streamXml<T>(
  source: ByteSource,
  sink: XmlSink,
  drain: () => T[],
  limits = DEFAULT_XML_LIMITS,
): AsyncGenerator<T> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let depth = 0;
  let sawRoot = false;
  let lastEventAt = 0;
  const fail = (code: string, replyCode: string, message: string): never => {
    throw new CimMessageError(code, replyCode, message, parser.line);
  };
  parser.on('error', (err) =>
    fail('xml-malformed', '1.8', `not well-formed XML: ${err.message.replace(/^.*?:\d+:\d+: /, '')}`),
  );
  parser.on('doctype', () =>
    fail('xml-dtd-refused', '7.7', 'a DOCTYPE is not accepted (DTDs and entities are never resolved)'),
  );
  parser.on('opentag', (tag) => {
    lastEventAt = parser.position;
    sawRoot = true;
    if (++depth > limits.maxDepth) fail('xml-too-deep', '1.8', `element nesting deeper than ${limits.maxDepth}`);
    const names = Object.values(tag.attributes);
    const attributes = names.length === 0 ? NO_ATTRIBUTES : new Map<string, string>();
    for (const a of names)
      if (typeof a !== 'string' && a.uri === '') (attributes as Map<string, string>).set(a.local, a.value);
    sink.open(tag.uri ?? '', tag.local ?? tag.name, attributes, parser.line);
  });
  parser.on('closetag', () => {
    lastEventAt = parser.position;
    depth--;
    sink.close(parser.line);
  });
  const onText = (text: string) => {
    lastEventAt = parser.position;
    sink.text(text);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  const feed = (text: string) => {
    for (let i = 0; i < text.length; i += SLICE) {
      parser.write(text.length <= SLICE ? text : text.slice(i, i + SLICE));
      if (parser.position - lastEventAt > limits.maxTokenLength) {
        fail(
          'xml-token-too-long',
          '1.8',
          `a text node, attribute or comment longer than ${limits.maxTokenLength} characters`,
        );
      }
    }
  };
  const decode = (chunk?: Uint8Array) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      return fail('not-utf8', '1.8', 'bytes that are not UTF-8 text');
    }
  };
  for await (const chunk of source) {
    feed(typeof chunk === 'string' ? chunk : decode(chunk));
    yield* drain();
  }
  feed(decode());
  if (!sawRoot) fail('xml-empty', '1.8', 'no XML element at all (empty or not XML)');
  if (depth > 0) fail('xml-truncated', '1.8', `the message ends inside ${depth} unclosed element(s)`);
  parser.close();
  yield* drain();
}
