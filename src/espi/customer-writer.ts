import type { Writable } from 'node:stream';
import { AtomFeedWriter, escapeXml } from './atom-writer';
import type { CollectedFeed } from './parse';
import { CustomerKindName, XmlElement } from './records';
import type { FeedWriterOptions } from './usage-writer';
import { collectionOf } from './hrefs';
import { uuidV5 } from './uuid';

const CUSTOMER_NS = 'http://naesb.org/espi/customer';

/** A customer-namespace resource as the reader keeps it: its element tree, which the writer emits unchanged. */
export interface CustomerEntityRecord {
  kind: CustomerKindName;
  /** Natural key: names the entry's id and href. */
  key: string;
  /** Its self href when it already has one (the href it was loaded by); default: one under the feed's root. */
  self?: string;
  content: XmlElement;
  title?: string;
}

/**
 * Streams an ESPI customer feed (Atom) whose entries hold customer.xsd resources. The content trees are written
 * in the order they are given, so they validate when the records came from a valid source or were built in
 * customer.xsd sequence order.
 */
/** The RetailCustomer href every entity of a feed key sits under: the same key always gives the same root. */
export function customerFeedRoot(baseUrl: string, feedKey: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/RetailCustomer/${uuidV5(`retail-customer|${feedKey}`)}`;
}

export class EspiCustomerFeedWriter {
  private readonly atom: AtomFeedWriter;
  private readonly root: string;

  constructor(out: Writable, options: FeedWriterOptions) {
    this.root = customerFeedRoot(options.baseUrl, options.feedKey);
    this.atom = new AtomFeedWriter(out, {
      id: `urn:uuid:${uuidV5(`customer-feed|${options.feedKey}`)}`,
      title: options.title ?? 'Green Button Customer Feed',
      self: this.root,
      generatedAt: options.generatedAt,
    });
  }

  async entity(record: CustomerEntityRecord): Promise<{ self: string }> {
    const id = uuidV5(`${record.kind}|${record.key}`);
    const self = record.self ?? `${this.root}/${record.kind}/${id}`;
    const content = `      <${record.kind} xmlns="${CUSTOMER_NS}">${record.content.children.map(elementXml).join('')}</${record.kind}>\n`;
    await this.atom.entry({
      id: `urn:uuid:${id}`,
      self,
      up: collectionOf(self),
      related: [],
      title: record.title ?? '',
      content,
    });
    return { self };
  }

  end(): Promise<void> {
    return this.atom.end();
  }
}

function elementXml(el: XmlElement): string {
  const inner = el.children.length > 0 ? el.children.map(elementXml).join('') : escapeXml(el.text ?? '');
  return `<${el.name}>${inner}</${el.name}>`;
}

/** Writes back the customer entities an import collected, in file order. */
export async function writeCollectedCustomerFeed(
  out: Writable,
  collected: CollectedFeed,
  options: FeedWriterOptions,
): Promise<void> {
  const writer = new EspiCustomerFeedWriter(out, options);
  for (const [i, c] of collected.feed.customers.entries()) {
    await writer.entity({
      kind: c.kind,
      key: c.entry.self ?? c.entry.id ?? `#${i}`,
      content: c.content,
      title: c.entry.title,
    });
  }
  await writer.end();
}
