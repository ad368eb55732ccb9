/** Bounds that keep hostile input from costing memory or time; real files and messages stay far below them. */
export interface XmlLimits {
  /** Deepest element nesting accepted (ESPI needs about 10). */
  maxDepth: number;
  /**
   * Longest run without a parser event (a text node, a tag with its attributes, a comment): bounds buffered memory.
   * Counted in what each reader reads: bytes for the ESPI tokenizer, characters for the CIM reader's decoded text.
   */
  maxTokenLength: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 64, maxTokenLength: 8 * 1024 * 1024 };
