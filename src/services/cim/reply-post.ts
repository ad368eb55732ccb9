import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Content-Type of a CIM message by its SOAP binding (SOAP 1.2 has its own media type). */
export function cimContentType(soap: '1.1' | '1.2' | undefined): string {
  return soap === '1.2' ? 'application/soap+xml; charset=utf-8' : soap === '1.1' ? 'text/xml; charset=utf-8' : 'application/xml; charset=utf-8';
}

// An encoded ".", "/", backslash or "%" in the path: a receiver that decodes it could read a path outside the allowed one.
const ENCODED_PATH_SYNTAX = /%(2e|2f|5c|25)/i;

/**
 * A ReplyAddress we may post to: http(s), under one of the configured URLs (same origin, path below it once dot
 * segments are resolved, nothing encoded that could add more), and no credentials of the sender's choosing. A sender
 * could otherwise make the portal post to any host its network reaches, internal services included.
 */
export function replyUrl(address: string | undefined, allowed: readonly URL[]): URL | undefined {
  const url = httpUrl(address);
  if (!url || url.username || url.password || ENCODED_PATH_SYNTAX.test(url.pathname)) return undefined;
  const under = (base: URL) => url.origin === base.origin && (url.pathname === base.pathname || url.pathname.startsWith(base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`));
  return allowed.some(under) ? url : undefined;
}

function httpUrl(address: string | undefined): URL | undefined {
  if (!address) return undefined;
  try {
    const url = new URL(address);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * POSTs a message to a ReplyAddress as it is written (the chunks stream from the database for a get), and resolves
 * when the receiver answered 2xx. Anything else rejects, so the job retries with backoff.
 */
export async function postMessage(address: string, chunks: AsyncIterable<string>, soap: '1.1' | '1.2' | undefined, timeoutMs = 60_000): Promise<number> {
  const url = httpUrl(address);
  if (!url) throw new Error(`ReplyAddress ${address} is not an http(s) URL`);
  const headers: Record<string, string> = { 'content-type': cimContentType(soap) };
  if (soap === '1.1') headers.soapaction = '""';
  const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'POST', headers, timeout: timeoutMs });
  const response = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.on('end', () => (status >= 200 && status < 300 ? resolve(status) : reject(new Error(`ReplyAddress ${address} answered HTTP ${status}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`ReplyAddress ${address} did not answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
  response.catch(() => undefined);
  await pipeline(Readable.from(chunks, { objectMode: false }), req);
  return response;
}
