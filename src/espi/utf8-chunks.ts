import { isUtf8 } from 'node:buffer';

/** Cuts a byte stream at character boundaries: each chunk's whole UTF-8 characters, a split one held for the next. */
export class Utf8Chunks {
  private pending: Buffer = Buffer.alloc(0);

  /** The whole characters `chunk` completes, or undefined when they are not UTF-8. */
  next(chunk: Uint8Array): Buffer | undefined {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.pending.length > 0) data = Buffer.concat([this.pending, data]);
    const cut = completeUtf8Length(data);
    this.pending = Buffer.from(data.subarray(cut));
    data = data.subarray(0, cut);
    return isUtf8(data) ? data : undefined;
  }

  /** The stream so far ends inside a character. */
  get unfinished(): boolean {
    return this.pending.length > 0;
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
