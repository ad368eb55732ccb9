import { createHash } from 'node:crypto';

/** Namespace of this codec's name-based UUIDs (itself UUIDv5 of "usage-portal espi" in the URL namespace). */
const NAMESPACE = Buffer.from('cf081adf6d7653e4b7086b85e9499bb9', 'hex');

/**
 * RFC 9562 version-5 UUID of a name: the same natural key always gives the same id, so a re-export is
 * byte-identical apart from its timestamps, and nothing random or stored is needed.
 */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
