import { isUtf8 } from 'node:buffer';
import { EspiFileError } from './diagnostics';
import { scanInteger, scanIntegerBytes } from './numbers';

/**
 * A strict, streaming XML 1.0 + Namespaces tokenizer over UTF-8 bytes, written for ESPI's shape: millions of small
 * elements holding short numbers. saxes (the fastest well-kept JS parser measured here) spends about 1.5 µs per
 * element walking strings character by character through a state table; this works on the bytes, keeps element
 * names interned (no string per tag), decodes only text that is not whitespace and builds an attribute map only
 * for elements that have attributes.
 *
 * What it refuses, as saxes did: any DOCTYPE (so no entity is ever declared or expanded), references other than
 * the five predefined entities and character references, mismatched or unclosed tags, unbound prefixes, duplicate
 * attributes, `<` in attribute values, `]]>` and control characters in text, `--` in comments, content outside
 * the single root, a misplaced XML declaration, and bytes that are not UTF-8. Not checked: the Unicode ranges of
 * non-ASCII name characters (any non-ASCII byte is accepted in a name) and U+FFFE/U+FFFF.
 *
 * A handler may take whole elements of a shape it knows straight from the bytes (`XmlHandler.onElement`), where
 * a dozen tokens and handler calls per element would cost more than the element's content: the ESPI reader does
 * so for plain IntervalReadings (`plain-reading.ts`), and a differential test holds it to this tokenizer.
 */

export interface XmlLimits {
  /** Deepest element nesting accepted (ESPI needs about 10). */
  maxDepth: number;
  /** Longest single token in bytes (text node, tag with its attributes, comment, CDATA, PI): bounds buffered memory. */
  maxTokenBytes: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 64, maxTokenBytes: 8 * 1024 * 1024 };

/** Attributes by qualified name, as written (ESPI uses only unprefixed `href` and `rel`). */
export type XmlAttributes = ReadonlyMap<string, string>;

/** Where the current token starts, computed on demand: most events never need their line. */
export interface XmlPosition {
  readonly line: number;
}

/** One run of text or CDATA, valid only during the `onText` call that hands it over. */
export interface XmlText {
  /** The run is all the element holds: it follows the start tag and the end tag follows it. */
  readonly whole: boolean;
  string(): string;
  /** The run as an integer (whitespace around it allowed) without making a string, or NaN. */
  integer(): number;
}

/** What a handler taking a whole element (`XmlHandler.onElement`) needs to know of where it stands. */
export interface XmlElementScope extends XmlPosition {
  /** The prefix of the parent element's name ('' for none): names written with it are bound. */
  readonly parentPrefix: string;
  /** Levels of elements that may still nest here before `maxDepth` is exceeded. */
  readonly depthLeft: number;
  /** The line breaks (LF, CRLF or lone CR, one each) in the element taken, so they are not counted again. */
  tookLineBreaks(count: number): void;
}

export interface XmlHandler {
  onOpen(uri: string, local: string, attributes: XmlAttributes | undefined, at: XmlPosition): void;
  onClose(uri: string, local: string, at: XmlPosition): void;
  /** Text and CDATA; whitespace-only text is insignificant in ESPI and is not reported. */
  onText(text: XmlText): void;
  /**
   * A fast path for elements the handler knows by heart, offered at every start tag below the root:
   * `bytes[start]` is its `<`. The handler may take the whole element, when it ends within `bytes`, and return
   * the offset after its end tag, having left itself exactly as the element's events would have. It must take
   * only what the tokenizer accepts (no references, comments, CDATA, attributes, control characters, names it
   * cannot prove bound, nesting past `depthLeft`...). -1 leaves the element to the tokenizer, as usual.
   */
  onElement?(bytes: Buffer, start: number, scope: XmlElementScope): number;
}

interface QName {
  qname: string;
  prefix: string;
  local: string;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
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

// Flags gathered while scanning a text run.
const NON_SPACE = 1;
const NON_ASCII = 2;
const HAS_AMP = 4;
const HAS_CR = 8;

const EMPTY = Buffer.alloc(0);

class TextRun implements XmlText {
  whole = false;
  constructor(
    private readonly tokenizer: XmlTokenizer,
    public buf: Buffer,
    public start: number,
    public end: number,
    public flags: number,
  ) {}

  string(): string {
    return this.tokenizer.decode(this.start, this.end, this.flags);
  }

  integer(): number {
    return this.flags & (HAS_AMP | NON_ASCII) ? scanInteger(this.string()) : scanIntegerBytes(this.buf, this.start, this.end);
  }
}

export class XmlTokenizer implements XmlElementScope {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Absolute offset of buf[0] in the document. */
  private base = 0;
  /** Start (in buf) of the token being handled: the position events and errors report. */
  private at = 0;
  private lines = 1;
  private linesCountedTo = 0;
  private utf8Pending: Buffer = EMPTY;
  /** 3 after a byte-order mark: where an XML declaration may stand. */
  private documentStart = 0;

  private depth = 0;
  private readonly openNames: QName[] = [];
  private readonly openUris: string[] = [];
  /** In-scope namespace bindings, innermost last, each tagged with the depth of the element that declared it. */
  private readonly bindings: { prefix: string; uri: string; depth: number }[] = [];
  private sawRoot = false;
  private readonly names = new Map<number, QName>();
  private readonly textRun = new TextRun(this, EMPTY, 0, 0, 0);
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
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.utf8Pending.length > 0) data = Buffer.concat([this.utf8Pending, data]);
    const cut = completeUtf8Length(data);
    this.utf8Pending = Buffer.from(data.subarray(cut));
    data = data.subarray(0, cut);
    if (!isUtf8(data)) this.fail('not-utf8', 'bytes that are not UTF-8 text: a binary or wrongly encoded file');
    this.append(data);
    this.run(false);
  }

  end(): void {
    if (this.utf8Pending.length > 0) this.fail('not-utf8', 'the file ends inside a UTF-8 character');
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
    if (this.base === 0 && this.buf.length >= 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.pos = this.documentStart = 3;
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
        if (len - p > this.limits.maxTokenBytes) {
          this.fail('xml-token-too-long', `a text node, tag or comment longer than ${this.limits.maxTokenBytes} bytes`);
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
        flags |= NON_SPACE;
        if (b >= 0x80) flags |= NON_ASCII;
        else if (b === AMP) flags |= HAS_AMP;
        else if (b === GT && i - p >= 2 && buf[i - 1] === RBRACKET && buf[i - 2] === RBRACKET) this.malformed('"]]>" in text');
      } else if (b === CR) flags |= HAS_CR;
      else if (b !== 0x20 && b !== 0x0a && b !== 0x09) this.malformed(`control character 0x${b.toString(16)} in text`);
    }
    // The run may go on in the next chunk; at the very end it is complete (trailing whitespace after the root).
    if (i === len && this.depth > 0) return -1;
    if (flags & NON_SPACE) {
      if (this.depth === 0) this.malformed('text outside the root element');
      this.emitText(p, i, flags, afterStartTag && buf[i + 1] === SLASH);
    }
    return i;
  }

  /** Text as XML reports it: line ends normalised (to spaces, with tabs, in attribute values), references resolved. */
  private emitText(start: number, end: number, flags: number, whole: boolean) {
    const run = this.textRun;
    run.buf = this.buf;
    run.start = start;
    run.end = end;
    run.flags = flags;
    run.whole = whole;
    this.handler.onText(run);
  }

  decode(start: number, end: number, flags: number, attribute = false): string {
    let s = flags & NON_ASCII ? this.buf.toString('utf8', start, end) : this.buf.toString('latin1', start, end);
    if (flags & HAS_CR) s = attribute ? s.replace(/\r\n|[\r\n\t]/g, ' ') : s.replace(/\r\n?/g, '\n');
    if (flags & HAS_AMP) s = this.resolveReferences(s);
    return s;
  }

  private resolveReferences(s: string): string {
    return s.replace(/&([^;&<]*)(;?)/g, (whole, name: string, semicolon: string) => {
      if (!semicolon) this.malformed(`"&" not starting a reference: ${whole.slice(0, 20)}`);
      if (Object.hasOwn(PREDEFINED, name)) return PREDEFINED[name];
      const code = /^#x([0-9a-fA-F]{1,6})$/.test(name) ? parseInt(name.slice(2), 16) : /^#([0-9]{1,7})$/.test(name) ? parseInt(name.slice(1), 10) : NaN;
      if (Number.isNaN(code)) this.malformed(`reference to an undeclared entity &${name.slice(0, 20)}; (no DTD, so only the predefined ones exist)`);
      const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
      if (!allowed) this.malformed(`character reference &${name}; to a character XML forbids`);
      return String.fromCodePoint(code);
    });
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
    if (colon !== qname.lastIndexOf(':') || colon === 0 || colon === qname.length - 1) this.malformed(`"${qname}" is not a namespace-valid name`);
    const made = { qname, prefix: colon < 0 ? '' : qname.slice(0, colon), local: colon < 0 ? qname : qname.slice(colon + 1) };
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
        if (c === AMP) flags |= HAS_AMP;
        else if (c >= 0x80) flags |= NON_ASCII;
        else if (c < 0x20) {
          if (c !== 0x09 && c !== 0x0a && c !== CR) this.malformed(`control character 0x${c.toString(16)} in an attribute`);
          flags |= HAS_CR;
        }
      }
      if (i >= len) return -1;
      const value = this.decode(valueStart, i, flags, true);
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
        if (value === XML_NS || value === XMLNS_NS) this.malformed(`the reserved namespace ${value} cannot be the default`);
        this.bindings.push({ prefix: '', uri: value, depth });
      } else if (attr.startsWith('xmlns:')) {
        const prefix = attr.slice(6);
        if (!value) this.malformed(`prefix "${prefix}" cannot be bound to the empty namespace`);
        if (prefix === 'xmlns' || (prefix === 'xml') !== (value === XML_NS) || value === XMLNS_NS) this.malformed(`reserved prefix or namespace in ${attr}="${value}"`);
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
    if (this.startsWith(p, '<!DOCTYPE')) this.fail('xml-dtd-refused', 'a DOCTYPE is not accepted in ESPI files (DTDs and entities are never resolved)');
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
      if (b >= 0x80) flags |= NON_ASCII;
      else if (b === CR) flags |= HAS_CR;
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
      if (target !== 'xml' || this.base + p !== this.documentStart) this.malformed('an XML declaration anywhere but at the very start');
    }
    return end + 2;
  }
}

/** Offset up to which `data` holds whole UTF-8 characters; what follows is the start of one split across chunks. */
function completeUtf8Length(data: Buffer): number {
  const len = data.length;
  for (let back = 1; back <= 3 && back <= len; back++) {
    const b = data[len - back];
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? len - back : len;
  }
  return len;
}

