import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** From the request's start to the answer's end. */
  ms: number;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  /** One buffer is sent with its length; chunks (or a generator of them) are sent chunked, without one. */
  body?: Buffer | string | Iterable<Buffer>;
  /** A server that has not answered by then fails the request (a hang is a finding, not a wait). */
  timeoutMs?: number;
}

/**
 * One request with node:http rather than fetch: any method, header (a Content-Length that lies included) and body,
 * chunked without a length when given as chunks; a server that answers and closes mid-body is an answer here, not a
 * client error.
 */
export function rawRequest(
  url: string,
  { method = 'POST', headers = {}, body, timeoutMs = 60_000 }: RawRequest = {},
): Promise<RawAnswer> {
  const started = Date.now();
  const single = typeof body === 'string' ? Buffer.from(body) : Buffer.isBuffer(body) ? body : undefined;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      headers: {
        ...(single && !('content-length' in headers) ? { 'content-length': String(single.length) } : {}),
        ...headers,
      },
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, ms: Date.now() - started }),
      );
    });
    // The server may close while the rest of a refused body is still being sent; the answer has arrived by then.
    req.on('error', (error: NodeJS.ErrnoException) =>
      ['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error),
    );
    if (single || body === undefined) return void req.end(single);
    const chunks = (body as Iterable<Buffer>)[Symbol.iterator]();
    const write = (): void => {
      for (;;) {
        if (req.destroyed) return;
        const next = chunks.next();
        if (next.done) return void req.end();
        if (!req.write(next.value)) return void req.once('drain', write);
      }
    };
    write();
  });
}

/** `count` copies of one chunk, made as they are sent. */
export function* repeated(chunk: Buffer, count: number): Generator<Buffer> {
  for (let i = 0; i < count; i++) yield chunk;
}
