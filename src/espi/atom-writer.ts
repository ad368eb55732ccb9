import type { Writable } from 'node:stream';
import { XmlBytes } from './xml-bytes';

/**
 * Resolves on 'drain'; rejects when the destination errors or is closed first. A destroyed stream (an HTTP client
 * that went away) emits neither 'drain' nor, once destroyed, 'error' for later writes: waiting on 'drain' alone
 * would hang the writer, and whatever it holds (a database connection) with it.
 */
export function drained(out: Writable): Promise<void> {
  if (out.destroyed) return Promise.reject(new Error('the destination was closed before the output was complete'));
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', settle);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('the destination was closed before the output was complete'));
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', settle);
  });
}

/** `&`, `<`, `>` and quotes escaped: enough for text and double-quoted attribute values. */
export function escapeXml(s: string): string {
  return /[&<>"]/.test(s)
    ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    : s;
}

export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

export interface AtomEntry {
  id: string;
  self: string;
  up: string;
  related: string[];
  title: string;
  /** The resource element, already serialised, or written straight as bytes (the bulk of a feed: its readings). */
  content: string | ((out: XmlBytes) => void);
}

/** Bytes gathered before each write: big enough to keep syscalls rare, small enough to stay a rounding error in RSS. */
const FLUSH_AT = 256 * 1024;

/**
 * Streams an Atom feed to a Writable in the element order the GBA's atom.xsd accepts, waiting for 'drain' when the
 * destination pushes back, so a feed of any size costs one buffer of memory.
 */
export class AtomFeedWriter {
  private readonly bytes = new XmlBytes(FLUSH_AT * 2);
  private closed = false;
  private readonly updated: string;

  /** The feed's header is buffered at once and goes out with the first entries. */
  constructor(
    private readonly out: Writable,
    feed: { id: string; title: string; self: string; generatedAt: number },
  ) {
    this.updated = isoSeconds(feed.generatedAt);
    this.bytes.text(
      `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n` +
        `  <id>${escapeXml(feed.id)}</id>\n  <title>${escapeXml(feed.title)}</title>\n  <updated>${this.updated}</updated>\n` +
        `  <link rel="self" href="${escapeXml(feed.self)}"/>\n`,
    );
  }

  async entry(e: AtomEntry): Promise<void> {
    if (this.closed) throw new Error('the feed is already closed');
    let head = `  <entry>\n    <id>${escapeXml(e.id)}</id>\n    <link rel="self" href="${escapeXml(e.self)}"/>\n    <link rel="up" href="${escapeXml(e.up)}"/>\n`;
    for (const r of e.related) head += `    <link rel="related" href="${escapeXml(r)}"/>\n`;
    this.bytes.text(`${head}    <title>${escapeXml(e.title)}</title>\n    <content>\n`);
    if (typeof e.content === 'string') this.bytes.text(e.content);
    else e.content(this.bytes);
    this.bytes.text(
      `    </content>\n    <published>${this.updated}</published>\n    <updated>${this.updated}</updated>\n  </entry>\n`,
    );
    await this.flush(false);
  }

  async end(): Promise<void> {
    this.closed = true;
    this.bytes.text('</feed>\n');
    await this.flush(true);
  }

  private async flush(force: boolean) {
    if (this.bytes.length < FLUSH_AT && !force) return;
    const chunk = this.bytes.take();
    if (this.out.destroyed) throw new Error('the destination was closed before the feed was complete');
    if (!this.out.write(chunk)) await drained(this.out);
  }
}
