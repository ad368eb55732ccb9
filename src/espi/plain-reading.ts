import { DigitTemplate } from './digit-template';
import { isInt48, scanIntegerBytes } from './numbers';
import { EspiIntervalReading } from './records';

/**
 * Reads a whole `<IntervalReading>` straight from the bytes when it has the plain shape custodians write by the
 * million: start and end tags with no attributes and no space before `>`, every name under the enclosing
 * block's prefix, only whitespace and comments between elements, and fields holding one Int48 integer each:
 *
 *   <IntervalReading> [cost|value|tou|cpp|consumptionTier] [timePeriod: duration|start] [ReadingQuality: quality]
 * </IntervalReading>
 *
 * (children in any order and number). Going through the tokenizer, such a reading costs a dozen tag and text
 * tokens and as many handler calls; here it is one pass over its bytes. Anything else (a comment inside a number,
 * an attribute, a reference, CDATA, an unknown or self-closing element, a number that is not an Int48 integer,
 * text between elements) is declined and left to the tokenizer, which then accepts or refuses it and reports its
 * diagnostics as always: so this accepts only what the tokenizer accepts, and fills the reading as the reader's
 * general path does (fields assigned in document order, a repeated field's last value kept, qualities in order).
 * A reading taken becomes the template for the next (`DigitTemplate`): one with the same bytes around bare-digit
 * numbers has the same structure, so it is read by comparing bytes rather than by walking its tags again.
 */

/** The reading runs past the end of the buffer: the tokenizer takes it (and waits for the next chunk). */
export const READING_INCOMPLETE = -1;
/** The reading is not plain: the tokenizer takes it. */
export const READING_NOT_PLAIN = -2;
/** The element is not an IntervalReading with a plain start tag. */
export const NOT_A_READING = -3;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const BANG = 0x21;
const DASH = 0x2d;

// Element codes.
const NONE = 0;
const INTERVAL_READING = 1;
const COST = 2;
const VALUE = 3;
const TOU = 4;
const CPP = 5;
const TIER = 6;
const TIME_PERIOD = 7;
const DURATION = 8;
const START = 9;
const READING_QUALITY = 10;
const QUALITY = 11;

const NAMES: Buffer[] = [];
for (const [code, name] of [
  [INTERVAL_READING, 'IntervalReading'],
  [COST, 'cost'],
  [VALUE, 'value'],
  [TOU, 'tou'],
  [CPP, 'cpp'],
  [TIER, 'consumptionTier'],
  [TIME_PERIOD, 'timePeriod'],
  [DURATION, 'duration'],
  [START, 'start'],
  [READING_QUALITY, 'ReadingQuality'],
  [QUALITY, 'quality'],
] as const) {
  NAMES[code] = Buffer.from(name, 'latin1');
}
/** Where each element may stand (NONE: not inside a reading). */
const PARENT = new Uint8Array(NAMES.length);
for (const element of [COST, VALUE, TOU, CPP, TIER, TIME_PERIOD, READING_QUALITY]) PARENT[element] = INTERVAL_READING;
PARENT[DURATION] = PARENT[START] = TIME_PERIOD;
PARENT[QUALITY] = READING_QUALITY;
/** 'IntervalReading' and 'consumptionTier' with their `>`. */
const LONGEST_NAME = 16;

/** Bytes that may stand in an integer's text: XML whitespace, digits and a sign. */
const TEXT = new Uint8Array(256);
for (const b of ' \t\n\r0123456789+-') TEXT[b.charCodeAt(0)] = 1;

export class PlainReadingScanner {
  /** The last reading taken. */
  reading: EspiIntervalReading = { start: NaN, duration: NaN, line: 0 };
  /** Line breaks (LF, CRLF or a lone CR, one each) in the last reading taken. */
  lineBreaks = 0;
  private prefixText = '';
  /** The block's prefix and its colon, as bytes ('' when unprefixed). */
  private prefix: Buffer = Buffer.alloc(0);
  /** The element code of the last start tag read. */
  private element = NONE;
  private readonly template = new DigitTemplate();
  /** The field of each of the template's numbers. */
  private templateFields: number[] = [];
  // Where the numbers' texts stand in the reading being scanned, and their fields: the next template.
  private readonly textFrom: number[] = [];
  private readonly textTo: number[] = [];
  private readonly textFields: number[] = [];

  /**
   * Reads the element whose start tag begins at `bytes[start]`, whose parent's name carries `prefix` (so that
   * prefix is bound), into `this.reading` and returns the offset after its end tag, or READING_INCOMPLETE,
   * READING_NOT_PLAIN or NOT_A_READING.
   */
  scan(bytes: Buffer, start: number, prefix: string): number {
    if (prefix !== this.prefixText) {
      this.prefixText = prefix;
      this.prefix = Buffer.from(prefix ? `${prefix}:` : '', 'utf8');
      // The template's names carry the old prefix, which need not be bound here.
      this.template.clear();
    }
    const end = this.template.match(bytes, start);
    if (end >= 0) {
      const reading: EspiIntervalReading = { start: NaN, duration: NaN, line: 0 };
      const numbers = this.template.numbers;
      const fields = this.templateFields;
      for (let k = 0; k < numbers.length; k++) assign(reading, fields[k], numbers[k]);
      this.reading = reading;
      this.lineBreaks = this.template.skeletonLineBreaks;
      return end;
    }
    this.reading = { start: NaN, duration: NaN, line: 0 };
    this.textFrom.length = this.textTo.length = this.textFields.length = 0;
    const scanned = this.walk(bytes, start, this.reading);
    if (scanned >= 0) {
      this.template.set(bytes, start, scanned, this.textFrom, this.textTo);
      this.templateFields = [...this.textFields];
    }
    return scanned;
  }

  /** The reading tag by tag. */
  private walk(bytes: Buffer, start: number, reading: EspiIntervalReading): number {
    this.lineBreaks = 0;
    const i = this.startTag(bytes, start);
    if (i === READING_INCOMPLETE) return i;
    const first = this.element;
    if (i < 0 || first !== INTERVAL_READING) return NOT_A_READING;
    return this.children(bytes, i, INTERVAL_READING, reading);
  }

  /** The children of `parent`, from after its start tag to after its end tag. */
  private children(bytes: Buffer, i: number, parent: number, reading: EspiIntervalReading): number {
    for (;;) {
      i = this.space(bytes, i);
      if (i < 0) return i;
      if (bytes[i + 1] === SLASH) return this.endTag(bytes, i, parent);
      i = this.startTag(bytes, i);
      if (i < 0) return i;
      const element = this.element;
      if (PARENT[element] !== parent) return READING_NOT_PLAIN;
      i =
        element === TIME_PERIOD || element === READING_QUALITY
          ? this.children(bytes, i, element, reading)
          : this.field(bytes, i, element, reading);
      if (i < 0) return i;
    }
  }

  /** A field's integer, from after its start tag to after its end tag. */
  private field(bytes: Buffer, i: number, element: number, reading: EspiIntervalReading): number {
    const from = i;
    const len = bytes.length;
    // Bare digits, the usual text: up to 15 of them accumulate exactly, as scanIntegerBytes would.
    let n = 0;
    for (; i < len; i++) {
      const digit = bytes[i] - 0x30;
      if (digit < 0 || digit > 9) break;
      n = n * 10 + digit;
    }
    if (i === from || i - from > 15 || bytes[i] !== LT) {
      for (i = from; i < len; i++) {
        const b = bytes[i];
        if (TEXT[b] === 0) break;
        if (b === LF || (b === CR && bytes[i + 1] !== LF)) this.lineBreaks++;
      }
      if (i >= len) return READING_INCOMPLETE;
      if (bytes[i] !== LT) return READING_NOT_PLAIN;
      n = scanIntegerBytes(bytes, from, i);
    }
    // NaN (no digits, a stray sign, whitespace inside) fails this too: the general path reports it.
    if (!isInt48(n)) return READING_NOT_PLAIN;
    this.textFrom.push(from);
    this.textTo.push(i);
    this.textFields.push(element);
    i = this.endTag(bytes, i, element);
    if (i < 0) return i;
    assign(reading, element, n);
    return i;
  }

  /** Whitespace and comments up to the next tag; anything else there is text the general path handles. */
  private space(bytes: Buffer, i: number): number {
    const len = bytes.length;
    let lineBreaks = 0;
    for (; i < len; i++) {
      const b = bytes[i];
      if (b === SPACE) continue;
      if (b === LT) {
        if (bytes[i + 1] !== BANG) {
          this.lineBreaks += lineBreaks;
          return i;
        }
        const end = this.comment(bytes, i);
        if (end < 0) return end;
        i = end - 1;
      } else if (b === LF || (b === CR && bytes[i + 1] !== LF)) lineBreaks++;
      else if (b !== CR && b !== TAB) return READING_NOT_PLAIN;
    }
    return READING_INCOMPLETE;
  }

  /**
   * The comment at `i` (`<!` seen), as the tokenizer reads one: it ends at the first `--`, which must be followed
   * by `>`, and holds no control character but whitespace. Returns the offset after it. Custodians annotate
   * readings with comments (`<!-- 1/1/2013 5:00:00 AM -->`, in the Green Button Alliance's samples).
   */
  private comment(bytes: Buffer, i: number): number {
    const len = bytes.length;
    if (i + 3 >= len) return READING_INCOMPLETE;
    if (bytes[i + 2] !== DASH || bytes[i + 3] !== DASH) return READING_NOT_PLAIN;
    let lineBreaks = 0;
    for (let j = i + 4; j + 2 < len; j++) {
      const b = bytes[j];
      if (b === DASH && bytes[j + 1] === DASH) {
        if (bytes[j + 2] !== GT) return READING_NOT_PLAIN;
        this.lineBreaks += lineBreaks;
        return j + 3;
      }
      if (b < SPACE) {
        if (b === LF || (b === CR && bytes[j + 1] !== LF)) lineBreaks++;
        else if (b !== CR && b !== TAB) return READING_NOT_PLAIN;
      }
    }
    return READING_INCOMPLETE;
  }

  /** `<prefix:name>` at `i`: sets `element` and returns the offset after `>`. */
  private startTag(bytes: Buffer, i: number): number {
    i = this.afterPrefix(bytes, i + 1);
    if (i < 0) return i;
    const element = elementAt(bytes, i);
    if (element === NONE) return bytes.length - i <= LONGEST_NAME ? READING_INCOMPLETE : READING_NOT_PLAIN;
    this.element = element;
    return i + NAMES[element].length + 1;
  }

  /** `</prefix:name>` of `element` at `i`; returns the offset after `>`. */
  private endTag(bytes: Buffer, i: number, element: number): number {
    if (i + 1 >= bytes.length) return READING_INCOMPLETE;
    if (bytes[i + 1] !== SLASH) return READING_NOT_PLAIN;
    i = this.afterPrefix(bytes, i + 2);
    if (i < 0) return i;
    const name = NAMES[element];
    const end = i + name.length;
    if (end >= bytes.length) return READING_INCOMPLETE;
    for (let k = 0; k < name.length; k++) if (bytes[i + k] !== name[k]) return READING_NOT_PLAIN;
    return bytes[end] === GT ? end + 1 : READING_NOT_PLAIN;
  }

  private afterPrefix(bytes: Buffer, i: number): number {
    const prefix = this.prefix;
    if (i + prefix.length >= bytes.length) return READING_INCOMPLETE;
    for (let k = 0; k < prefix.length; k++) if (bytes[i + k] !== prefix[k]) return READING_NOT_PLAIN;
    return i + prefix.length;
  }
}

function assign(reading: EspiIntervalReading, field: number, n: number) {
  switch (field) {
    case COST:
      reading.cost = n;
      break;
    case VALUE:
      reading.value = n;
      break;
    case TOU:
      reading.tou = n;
      break;
    case CPP:
      reading.cpp = n;
      break;
    case TIER:
      reading.consumptionTier = n;
      break;
    case DURATION:
      reading.duration = n;
      break;
    case START:
      reading.start = n;
      break;
    case QUALITY:
      (reading.qualities ??= []).push(n);
      break;
  }
}

/** The element whose name and `>` stand at `i`, told by its first letter, else NONE. */
function elementAt(bytes: Buffer, i: number): number {
  switch (bytes[i]) {
    case 0x63: // c
      return named(bytes, i, COST) || named(bytes, i, CPP) || named(bytes, i, TIER);
    case 0x76: // v
      return named(bytes, i, VALUE);
    case 0x74: // t
      return named(bytes, i, TIME_PERIOD) || named(bytes, i, TOU);
    case 0x64: // d
      return named(bytes, i, DURATION);
    case 0x73: // s
      return named(bytes, i, START);
    case 0x52: // R
      return named(bytes, i, READING_QUALITY);
    case 0x71: // q
      return named(bytes, i, QUALITY);
    case 0x49: // I
      return named(bytes, i, INTERVAL_READING);
    default:
      return NONE;
  }
}

/** `element` when its name followed by `>` stands at `i` (false past the buffer's end), else NONE. */
function named(bytes: Buffer, i: number, element: number): number {
  const name = NAMES[element];
  for (let k = 0; k < name.length; k++) if (bytes[i + k] !== name[k]) return NONE;
  return bytes[i + name.length] === GT ? element : NONE;
}
