/**
 * What the ESPI XML tokenizer (`xml-tokenizer.ts`) hands its handler. A handler may take whole elements of a shape
 * it knows straight from the bytes (`XmlHandler.onElement`), where a dozen tokens and handler calls per element
 * would cost more than the element's content: the ESPI reader does so for plain IntervalReadings
 * (`plain-reading.ts`), and a differential test holds it to the tokenizer.
 */

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
