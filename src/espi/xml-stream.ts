import { ByteSource } from '../xml/byte-source';
import { DEFAULT_XML_LIMITS, XmlLimits } from '../xml/limits';
import { XmlHandler } from './xml-handler';
import { XmlTokenizer } from './xml-tokenizer';

/**
 * Drives the tokenizer over a byte stream, one chunk at a time, and calls `afterChunk` between chunks so the
 * caller can hand its records downstream: nothing but the current chunk (plus an unfinished token) and the
 * caller's small state is ever in memory.
 */
export async function* driveXml<T>(
  source: ByteSource,
  handler: XmlHandler,
  afterChunk: () => T[],
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): AsyncGenerator<T> {
  const tokenizer = new XmlTokenizer(handler, limits);
  for await (const chunk of source) {
    tokenizer.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    yield* afterChunk();
  }
  tokenizer.end();
  yield* afterChunk();
}
