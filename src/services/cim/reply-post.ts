import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { httpUrl } from '../outbound-url';

/** Content-Type of a CIM message by its SOAP binding (SOAP 1.2 has its own media type). */
export function cimContentType(soap: '1.1' | '1.2' | undefined): string {
  return soap === '1.2'
    ? 'application/soap+xml; charset=utf-8'
    : soap === '1.1'
      ? 'text/xml; charset=utf-8'
      : 'application/xml; charset=utf-8';
}

/**
 * POSTs a message to a ReplyAddress as it is written (the chunks stream from the database for a get), and resolves
 * when the receiver answered 2xx. Anything else rejects, so the job retries with backoff.
 */
export async function postMessage(
  address: string,
  chunks: AsyncIterable<string>,
  soap: '1.1' | '1.2' | undefined,
  timeoutMs = 60_000,
): Promise<number> {
  const url = httpUrl(address);
  if (!url) throw new Error(`ReplyAddress ${address} is not an http(s) URL`);
  const headers: Record<string, string> = { 'content-type': cimContentType(soap) };
  if (soap === '1.1') headers.soapaction = '""';
  const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
    method: 'POST',
    headers,
    timeout: timeoutMs,
  });
  const response = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.on('end', () =>
        status >= 200 && status < 300
          ? resolve(status)
          : reject(new Error(`ReplyAddress ${address} answered HTTP ${status}`)),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`ReplyAddress ${address} did not answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
  response.catch(() => undefined);
  await pipeline(Readable.from(chunks, { objectMode: false }), req);
  return response;
}
