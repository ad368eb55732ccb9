/** The bytes the tokenizer tells apart, and the flags it gathers while scanning a run of text. */

export const LT = 0x3c;
export const GT = 0x3e;
export const SLASH = 0x2f;
export const BANG = 0x21;
export const QUESTION = 0x3f;
export const AMP = 0x26;
export const EQUALS = 0x3d;
export const CR = 0x0d;
export const RBRACKET = 0x5d;

/** 1: may start a name; 2: may continue one. Non-ASCII bytes are allowed in both (their Unicode ranges are not checked). */
export const NAME = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const letter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x3a || b >= 0x80;
  const other = (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2e;
  NAME[b] = letter ? 3 : other ? 2 : 0;
}

export const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x09 || b === CR;

// Flags gathered while scanning a text run or attribute value.
export const NON_SPACE = 1;
export const NON_ASCII = 2;
export const HAS_AMP = 4;
export const HAS_CR = 8;

export const EMPTY = Buffer.alloc(0);
