/** Powers of ten up to the 16 digits of a safe integer: a number's digit count without a division per digit. */
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** Markup known in advance (tags, indentation), encoded once. */
export function ascii(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/**
 * The bytes of a document being written, with no string in between: a feed is mostly markup that never changes and
 * integers, and building it as strings cost a concatenation, a flattening and a UTF-8 encoding of every byte.
 * `reserve` before writing fixed-size runs (`raw`, `int`); `text` reserves on its own.
 */
export class XmlBytes {
  private buf: Buffer;
  private at = 0;

  constructor(private readonly initialSize: number) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.at;
  }

  /** Room for `n` more bytes: a bigger buffer holding what was written when this one is too small. */
  reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  /** A string of any characters, UTF-8 encoded. */
  text(s: string): void {
    this.reserve(s.length * 3);
    this.at += this.buf.write(s, this.at, 'utf8');
  }

  raw(bytes: Uint8Array): void {
    const buf = this.buf;
    let at = this.at;
    // A byte loop beats a native copy for the few bytes of a tag: the call costs more than the copying.
    for (let i = 0; i < bytes.length; i++) buf[at++] = bytes[i];
    this.at = at;
  }

  /** A safe integer in decimal (at most 17 bytes): written digit by digit from the end, exactly. */
  int(n: number): void {
    const buf = this.buf;
    let at = this.at;
    if (n < 0) {
      buf[at++] = 0x2d;
      n = -n;
    }
    let digits = 1;
    while (digits < 16 && n >= POW10[digits]) digits++;
    let end = at + digits;
    this.at = end;
    while (n >= 10) {
      const q = Math.floor(n / 10);
      buf[--end] = 0x30 + (n - q * 10);
      n = q;
    }
    buf[--end] = 0x30 + n;
  }

  /** What was written, handed over: the next bytes go to a fresh buffer, since a stream may still hold this one. */
  take(): Buffer {
    const written = this.buf.subarray(0, this.at);
    this.buf = Buffer.allocUnsafe(this.initialSize);
    this.at = 0;
    return written;
  }
}
