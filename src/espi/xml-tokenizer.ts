import { DEFAULT_XML_LIMITS, XmlLimits } from '../xml/limits';
import { EspiFileError } from './diagnostics';
import { Utf8Chunks } from './utf8-chunks';
import { XmlElementScope, XmlHandler } from './xml-handler';
import { decodeText, TextFlags, TextRun } from './xml-text';

/**
 * A strict, streaming XML 1.0 + Namespaces tokenizer over UTF-8 bytes, written for ESPI's shape: millions of small
 * elements holding short numbers. saxes (the fastest well-kept JS parser measured here) spends about 1.5 µs per
 * element walking strings character by character through a state table; this works on the bytes, keeps element
 * names interned (no string per tag), decodes only text that is not whitespace and builds an attribute map only
 * for elements that have attributes.
 *
 * What it refuses: any DOCTYPE (so no entity is ever declared or expanded), references other than
 * the five predefined entities and character references, mismatched or unclosed tags, unbound prefixes, duplicate
 * attributes, `<` in attribute values, `]]>` and control characters in text, `--` in comments, content outside
 * the single root, a misplaced XML declaration, and bytes that are not UTF-8. Not checked: the Unicode ranges of
 * non-ASCII name characters (any non-ASCII byte is accepted in a name) and U+FFFE/U+FFFF.
 *
 * Its handler may take whole elements it knows straight from the bytes: see `xml-handler.ts`.
 */

interface QName {
  qname: string;
  prefix: string;
  local: string;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const MAX_INTERNED = 4096;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const AMP = 0x26;
const EQUALS = 0x3d;
const CR = 0x0d;
const RBRACKET = 0x5d;

/** 1: may start a name; 2: may continue one. Non-ASCII bytes are allowed in both (see above). */
const NAME = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const letter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x3a || b >= 0x80;
  const other = (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2e;
  NAME[b] = letter ? 3 : other ? 2 : 0;
}

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x09 || b === CR;

const EMPTY = Buffer.alloc(0);

export class XmlTokenizer implements XmlElementScope {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Absolute offset of buf[0] in the document. */
  private base = 0;
  /** Start (in buf) of the token being handled: the position events and errors report. */
  private at = 0;
  private lines = 1;
  private linesCountedTo = 0;
  private readonly utf8 = new Utf8Chunks();
  /** 3 after a byte-order mark: where an XML declaration may stand. */
  private documentStart = 0;

  private depth = 0;
  private readonly openNames: QName[] = [];
  private readonly openUris: string[] = [];
  /** In-scope namespace bindings, innermost last, each tagged with the depth of the element that declared it. */
  private readonly bindings: { prefix: string; uri: string; depth: number }[] = [];
  private sawRoot = false;
  private readonly names = new Map<number, QName>();
  /** The "not well-formed" error as a function, made once for the text decoding that may raise it. */
  private readonly refuse = (message: string): never => this.malformed(message);
  private readonly textRun = new TextRun(this.refuse, EMPTY, 0, 0, 0);
  /** The last token was a start tag: a text run right after it may be the element's whole content. */
  private afterStartTag = false;
  /** Line breaks in the element `onElement` is taking, when the handler counted them; else -1. */
  private takenLineBreaks = -1;

  constructor(
    private readonly handler: XmlHandler,
    private readonly limits: XmlLimits = DEFAULT_XML_LIMITS,
  ) {}

  /** 1-based line of the current token's start. */
  get line(): number {
    const buf = this.buf;
    const to = this.at;
    let lines = this.lines;
    for (let i = Math.max(this.linesCountedTo - this.base, 0); i < to; i++) {
      const b = buf[i];
      if (b === 0x0a || (b === CR && buf[i + 1] !== 0x0a)) lines++;
    }
    this.lines = lines;
    this.linesCountedTo = this.base + to;
    return lines;
  }

  get parentPrefix(): string {
    return this.openNames[this.openNames.length - 1].prefix;
  }

  get depthLeft(): number {
    return this.limits.maxDepth - this.depth;
  }

  tookLineBreaks(count: number): void {
    this.takenLineBreaks = count;
  }

  write(chunk: Uint8Array): void {
    const data = this.utf8.next(chunk);
    if (!data) return this.fail('not-utf8', 'bytes that are not UTF-8 text: a binary or wrongly encoded file');
    this.append(data);
    this.run(false);
  }

  end(): void {
    if (this.utf8.unfinished) this.fail('not-utf8', 'the file ends inside a UTF-8 character');
    this.run(true);
    if (!this.sawRoot) this.fail('xml-empty', 'the file holds no XML element (empty or not XML)');
    if (this.depth > 0) this.fail('xml-truncated', `the file ends inside ${this.depth} unclosed element(s): truncated`);
  }

  private append(data: Buffer) {
    this.at = this.pos;
    void this.line;
    const rest = this.buf.length - this.pos;
    this.base += this.pos;
    this.buf = rest > 0 ? Buffer.concat([this.buf.subarray(this.pos), data]) : data;
    this.pos = 0;
    if (this.base === 0 && this.buf.length >= 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf)
      this.pos = this.documentStart = 3;
  }

  private fail(code: string, message: string): never {
    throw new EspiFileError(code, message, this.line);
  }

  private malformed(message: string): never {
    this.fail('xml-malformed', `not well-formed XML: ${message}`);
  }

  private run(final: boolean) {
    const buf = this.buf;
    const len = buf.length;
    while (this.pos < len) {
      const p = (this.at = this.pos);
      const afterStartTag = this.afterStartTag;
      this.afterStartTag = false;
      let next: number;
      if (buf[p] !== LT) next = this.text(p, afterStartTag);
      else if (p + 1 >= len) next = -1;
      else {
        const c = buf[p + 1];
        if (c === SLASH) next = this.closeTag(p);
        else if (c === BANG) next = this.bang(p);
        else if (c === QUESTION) next = this.processingInstruction(p);
        else next = this.openTag(p);
      }
      if (next < 0) {
        this.afterStartTag = afterStartTag;
        if (final) this.fail('xml-truncated', 'the file ends inside a tag, comment or text: truncated');
        if (len - p > this.limits.maxTokenLength) {
          this.fail(
            'xml-token-too-long',
            `a text node, tag or comment longer than ${this.limits.maxTokenLength} bytes`,
          );
        }
        return;
      }
      this.pos = next;
    }
  }

  // --- text ----------------------------------------------------------------------------------------------------

  private text(p: number, afterStartTag: boolean): number {
    const buf = this.buf;
    const len = buf.length;
    let flags = 0;
    let i = p;
    for (; i < len; i++) {
      const b = buf[i];
      if (b === LT) break;
      if (b > 0x20) {
        flags |= TextFlags.NonSpace;
        if (b >= 0x80) flags |= TextFlags.NonAscii;
        else if (b === AMP) flags |= TextFlags.HasAmp;
        else if (b === GT && i - p >= 2 && buf[i - 1] === RBRACKET && buf[i - 2] === RBRACKET)
          this.malformed('"]]>" in text');
      } else if (b === CR) flags |= TextFlags.HasCr;
      else if (b !== 0x20 && b !== 0x0a && b !== 0x09) this.malformed(`control character 0x${b.toString(16)} in text`);
    }
    // The run may go on in the next chunk; at the very end it is complete (trailing whitespace after the root).
    if (i === len && this.depth > 0) return -1;
    if (flags & TextFlags.NonSpace) {
      if (this.depth === 0) this.malformed('text outside the root element');
      this.emitText(p, i, flags, afterStartTag && buf[i + 1] === SLASH);
    }
    return i;
  }

  private emitText(start: number, end: number, flags: number, whole: boolean) {
    const run = this.textRun;
    run.buf = this.buf;
    run.start = start;
    run.end = end;
    run.flags = flags;
    run.whole = whole;
    this.handler.onText(run);
  }

  // --- tags ----------------------------------------------------------------------------------------------------

  /** Scans a name at `p`; returns its end, or -1 if the buffer ends first. */
  private nameEnd(p: number): number {
    const buf = this.buf;
    if (p >= buf.length) return -1;
    if (!(NAME[buf[p]] & 1)) this.malformed(`a name cannot start with "${String.fromCharCode(buf[p])}"`);
    let i = p + 1;
    while (i < buf.length && NAME[buf[i]]) i++;
    return i === buf.length ? -1 : i;
  }

  private qname(start: number, end: number): QName {
    const buf = this.buf;
    let hash = end - start;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + buf[i]) | 0;
    const known = this.names.get(hash);
    if (known && known.qname.length === end - start && this.sameBytes(known.qname, start)) return known;
    const qname = buf.toString('utf8', start, end);
    const colon = qname.indexOf(':');
    if (colon !== qname.lastIndexOf(':') || colon === 0 || colon === qname.length - 1)
      this.malformed(`"${qname}" is not a namespace-valid name`);
    const made = {
      qname,
      prefix: colon < 0 ? '' : qname.slice(0, colon),
      local: colon < 0 ? qname : qname.slice(colon + 1),
    };
    if (!known && this.names.size < MAX_INTERNED) this.names.set(hash, made);
    return made;
  }

  private sameBytes(s: string, start: number): boolean {
    const buf = this.buf;
    for (let i = 0; i < s.length; i++) if (buf[start + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  private openTag(p: number): number {
    if (this.depth > 0 && this.handler.onElement) {
      const end = this.takenElement(p);
      if (end >= 0) return end;
    }
    const buf = this.buf;
    const len = buf.length;
    const nameEnd = this.nameEnd(p + 1);
    if (nameEnd < 0) return -1;
    const name = this.qname(p + 1, nameEnd);
    let attributes: Map<string, string> | undefined;
    let i = nameEnd;
    let selfClosing = false;
    for (;;) {
      const spaceFrom = i;
      while (i < len && isSpace(buf[i])) i++;
      if (i >= len) return -1;
      const b = buf[i];
      if (b === GT) {
        i++;
        break;
      }
      if (b === SLASH) {
        if (i + 1 >= len) return -1;
        if (buf[i + 1] !== GT) this.malformed(`"/" not followed by ">" in <${name.qname}>`);
        i += 2;
        selfClosing = true;
        break;
      }
      if (i === spaceFrom) this.malformed(`attributes of <${name.qname}> must be separated by whitespace`);
      const attrEnd = this.nameEnd(i);
      if (attrEnd < 0) return -1;
      const attrName = this.qname(i, attrEnd).qname;
      i = attrEnd;
      while (i < len && isSpace(buf[i])) i++;
      if (i >= len) return -1;
      if (buf[i] !== EQUALS) this.malformed(`attribute ${attrName} of <${name.qname}> has no value`);
      i++;
      while (i < len && isSpace(buf[i])) i++;
      if (i >= len) return -1;
      const quote = buf[i];
      if (quote !== 0x22 && quote !== 0x27) this.malformed(`attribute ${attrName} of <${name.qname}> is not quoted`);
      const valueStart = ++i;
      let flags = 0;
      for (; i < len && buf[i] !== quote; i++) {
        const c = buf[i];
        if (c === LT) this.malformed(`"<" in the value of attribute ${attrName}`);
        if (c === AMP) flags |= TextFlags.HasAmp;
        else if (c >= 0x80) flags |= TextFlags.NonAscii;
        else if (c < 0x20) {
          if (c !== 0x09 && c !== 0x0a && c !== CR)
            this.malformed(`control character 0x${c.toString(16)} in an attribute`);
          flags |= TextFlags.HasCr;
        }
      }
      if (i >= len) return -1;
      const value = decodeText(buf, valueStart, i, flags, true, this.refuse);
      i++;
      attributes ??= new Map();
      if (attributes.has(attrName)) this.malformed(`attribute ${attrName} repeated in <${name.qname}>`);
      attributes.set(attrName, value);
    }
    this.start(name, attributes);
    if (selfClosing) this.finish();
    else this.afterStartTag = true;
    return i;
  }

  /** Offers the element at p to the handler; its offset after the element when taken, else -1. */
  private takenElement(p: number): number {
    this.takenLineBreaks = -1;
    const end = this.handler.onElement!(this.buf, p, this);
    if (end < 0) return -1;
    // With lines counted up to p (the handler asked for the element's line), its count carries them past the end;
    // otherwise the line getter walks the element's bytes when next asked.
    if (this.takenLineBreaks >= 0 && this.linesCountedTo === this.base + p) {
      this.lines += this.takenLineBreaks;
      this.linesCountedTo = this.base + end;
    }
    return end;
  }

  private start(name: QName, attributes: Map<string, string> | undefined) {
    if (this.depth === 0) {
      if (this.sawRoot) this.malformed(`a second root element <${name.qname}>`);
      this.sawRoot = true;
    }
    const depth = ++this.depth;
    if (depth > this.limits.maxDepth) this.fail('xml-too-deep', `element nesting deeper than ${this.limits.maxDepth}`);
    if (attributes) this.declareNamespaces(attributes, depth);
    const uri = this.resolve(name.prefix, true);
    if (name.prefix && !uri) this.malformed(`prefix "${name.prefix}" of <${name.qname}> is not bound to a namespace`);
    this.openNames.push(name);
    this.openUris.push(uri);
    this.handler.onOpen(uri, name.local, attributes, this);
  }

  private declareNamespaces(attributes: Map<string, string>, depth: number) {
    for (const [attr, value] of attributes) {
      if (attr === 'xmlns') {
        if (value === XML_NS || value === XMLNS_NS)
          this.malformed(`the reserved namespace ${value} cannot be the default`);
        this.bindings.push({ prefix: '', uri: value, depth });
      } else if (attr.startsWith('xmlns:')) {
        const prefix = attr.slice(6);
        if (!value) this.malformed(`prefix "${prefix}" cannot be bound to the empty namespace`);
        if (prefix === 'xmlns' || (prefix === 'xml') !== (value === XML_NS) || value === XMLNS_NS)
          this.malformed(`reserved prefix or namespace in ${attr}="${value}"`);
        this.bindings.push({ prefix, uri: value, depth });
      }
    }
    for (const attr of attributes.keys()) {
      const colon = attr.indexOf(':');
      if (colon > 0 && !attr.startsWith('xmlns:') && !this.resolve(attr.slice(0, colon), false)) {
        this.malformed(`prefix "${attr.slice(0, colon)}" of attribute ${attr} is not bound to a namespace`);
      }
    }
  }

  private resolve(prefix: string, element: boolean): string {
    if (prefix === 'xml') return XML_NS;
    if (!prefix && !element) return '';
    const b = this.bindings;
    for (let i = b.length - 1; i >= 0; i--) if (b[i].prefix === prefix) return b[i].uri;
    return '';
  }

  private closeTag(p: number): number {
    const buf = this.buf;
    const nameEnd = this.nameEnd(p + 2);
    if (nameEnd < 0) return -1;
    let i = nameEnd;
    while (i < buf.length && isSpace(buf[i])) i++;
    if (i >= buf.length) return -1;
    if (buf[i] !== GT) this.malformed('unexpected character in an end tag');
    const open = this.openNames[this.openNames.length - 1];
    const name = this.qname(p + 2, nameEnd);
    if (!open) this.malformed(`end tag </${name.qname}> with no element open`);
    if (open.qname !== name.qname) this.malformed(`end tag </${name.qname}> does not match <${open.qname}>`);
    this.finish();
    return i + 1;
  }

  private finish() {
    const name = this.openNames.pop()!;
    const uri = this.openUris.pop()!;
    const depth = this.depth--;
    const b = this.bindings;
    while (b.length > 0 && b[b.length - 1].depth === depth) b.pop();
    this.handler.onClose(uri, name.local, this);
  }

  // --- comments, CDATA, DOCTYPE, processing instructions ------------------------------------------------------

  private bang(p: number): number {
    if (this.startsWith(p, '<!--')) return this.comment(p);
    if (this.startsWith(p, '<![CDATA[')) return this.cdata(p);
    if (this.startsWith(p, '<!DOCTYPE'))
      this.fail('xml-dtd-refused', 'a DOCTYPE is not accepted in ESPI files (DTDs and entities are never resolved)');
    // Too few bytes yet to tell which of the three it is.
    if (this.buf.length - p < 9) return -1;
    return this.malformed('"<!" that opens no comment or CDATA section');
  }

  /** True when the bytes at p are `s`; false also when the buffer ends before telling. */
  private startsWith(p: number, s: string): boolean {
    if (this.buf.length - p < s.length) return false;
    return this.sameBytes(s, p);
  }

  private comment(p: number): number {
    const buf = this.buf;
    for (let i = p + 4; i + 2 < buf.length; i++) {
      const b = buf[i];
      if (b === 0x2d && buf[i + 1] === 0x2d) {
        if (buf[i + 2] !== GT) this.malformed('"--" inside a comment');
        return i + 3;
      }
      if (b < 0x20 && !isSpace(b)) this.malformed(`control character 0x${b.toString(16)} in a comment`);
    }
    return -1;
  }

  private cdata(p: number): number {
    const end = this.buf.indexOf(']]>', p + 9, 'latin1');
    if (end < 0) return -1;
    if (this.depth === 0) this.malformed('CDATA outside the root element');
    let flags = 0;
    for (let i = p + 9; i < end; i++) {
      const b = this.buf[i];
      if (b >= 0x80) flags |= TextFlags.NonAscii;
      else if (b === CR) flags |= TextFlags.HasCr;
      else if (b < 0x20 && !isSpace(b)) this.malformed(`control character 0x${b.toString(16)} in CDATA`);
    }
    this.emitText(p + 9, end, flags, false);
    return end + 3;
  }

  private processingInstruction(p: number): number {
    const nameEnd = this.nameEnd(p + 2);
    if (nameEnd < 0) return -1;
    const target = this.buf.toString('utf8', p + 2, nameEnd);
    const end = this.buf.indexOf('?>', nameEnd, 'latin1');
    if (end < 0) return -1;
    if (target.toLowerCase() === 'xml') {
      if (target !== 'xml' || this.base + p !== this.documentStart)
        this.malformed('an XML declaration anywhere but at the very start');
    }
    return end + 2;
  }
}
