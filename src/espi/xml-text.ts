import { scanInteger, scanIntegerBytes } from './numbers';
import { XmlText } from './xml-handler';

/**
 * What the tokenizer saw while scanning a run of text or an attribute value, so decoding does only the work needed.
 * A const enum: its values are inlined into the tokenizer's byte loops.
 */
export const enum TextFlags {
  NonSpace = 1,
  NonAscii = 2,
  HasAmp = 4,
  HasCr = 8,
}

/** Throws the tokenizer's "not well-formed" error, placed at the current token. */
type Refuse = (message: string) => never;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/**
 * Text as XML reports it, from bytes the tokenizer has scanned (`flags` says what it saw): line ends normalised
 * (to spaces, with tabs, in attribute values) and references resolved.
 */
export function decodeText(
  buf: Buffer,
  start: number,
  end: number,
  flags: number,
  attribute: boolean,
  refuse: Refuse,
): string {
  let s = flags & TextFlags.NonAscii ? buf.toString('utf8', start, end) : buf.toString('latin1', start, end);
  if (flags & TextFlags.HasCr) s = attribute ? s.replace(/\r\n|[\r\n\t]/g, ' ') : s.replace(/\r\n?/g, '\n');
  if (flags & TextFlags.HasAmp) s = resolveReferences(s, refuse);
  return s;
}

/** With no DTD, the only references are the five predefined entities and character references. */
function resolveReferences(s: string, refuse: Refuse): string {
  return s.replace(/&([^;&<]*)(;?)/g, (whole, name: string, semicolon: string) => {
    if (!semicolon) refuse(`"&" not starting a reference: ${whole.slice(0, 20)}`);
    if (Object.hasOwn(PREDEFINED, name)) return PREDEFINED[name];
    const code = /^#x([0-9a-fA-F]{1,6})$/.test(name)
      ? parseInt(name.slice(2), 16)
      : /^#([0-9]{1,7})$/.test(name)
        ? parseInt(name.slice(1), 10)
        : NaN;
    if (Number.isNaN(code))
      refuse(`reference to an undeclared entity &${name.slice(0, 20)}; (no DTD, so only the predefined ones exist)`);
    const allowed =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff);
    if (!allowed) refuse(`character reference &${name}; to a character XML forbids`);
    return String.fromCodePoint(code);
  });
}

/** The one `XmlText` a tokenizer hands out, pointed at each run in turn: no object per text node. */
export class TextRun implements XmlText {
  whole = false;
  constructor(
    private readonly refuse: Refuse,
    public buf: Buffer,
    public start: number,
    public end: number,
    public flags: number,
  ) {}

  string(): string {
    return decodeText(this.buf, this.start, this.end, this.flags, false, this.refuse);
  }

  integer(): number {
    return this.flags & (TextFlags.HasAmp | TextFlags.NonAscii)
      ? scanInteger(this.string())
      : scanIntegerBytes(this.buf, this.start, this.end);
  }
}
