import { ESPI_NS } from './namespaces';
import { escapeXml } from './atom-writer';

/**
 * An ESPI BatchList (espi.xsd BatchListType): the resource URLs a Green Button third party is notified to fetch, in
 * the order given.
 */
export function writeBatchList(resources: readonly string[]): string {
  const items = resources.map((url) => `  <resources>${escapeXml(url)}</resources>\n`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<BatchList xmlns="${ESPI_NS}">\n${items}</BatchList>\n`;
}
