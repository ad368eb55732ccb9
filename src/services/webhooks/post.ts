import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PostOutcome {
  statusCode?: number;
  error?: string;
  durationMs: number;
}

/** What a receiver may answer that we read (and drop): enough for an error page, not a stream that never ends. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One POST, resolved with what happened (never rejected): the status code, or why there is none. A redirect is an
 * answer like any other non-2xx (never followed: it could lead to a host outside WEBHOOK_URLS). `timeoutMs` bounds the
 * whole exchange.
 */
export function postOnce(
  url: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostOutcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const done = (outcome: Omit<PostOutcome, 'durationMs'>) => {
      clearTimeout(timer);
      resolve({ ...outcome, durationMs: Date.now() - started });
    };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('response', (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) res.destroy();
      });
      res.on('close', () => done({ statusCode: res.statusCode }));
    });
    req.on('error', (error) => done({ error: error.message }));
    req.end(body);
  });
}
