import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Text gathered before each write, like the ESPI writer's buffer: few syscalls, one buffer of memory. */
const FLUSH_AT = 256 * 1024;

/** Buffers text and writes it in chunks, waiting for 'drain' whenever the destination pushes back. */
export class BufferedText {
  private buffer = '';

  constructor(private readonly out: Writable) {}

  async push(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= FLUSH_AT) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buffer) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
}
