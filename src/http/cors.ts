import type { IncomingMessage, ServerResponse } from 'node:http';

// A browser shows a page of another origin the answer to its request only when the answer names that origin. With
// no origins configured no CORS header is ever sent, so only same-origin pages (and apps and servers, which CORS
// does not concern) can use the API. Credentials are bearer tokens the page sends itself: no cookies are allowed.

const ALLOWED_METHODS = 'GET, POST, PUT';
// What the web and mobile teams' clients send: Apollo Client (its CSRF-prevention and client-awareness headers),
// the GraphQL route's compressed bodies, and a request id of their own.
const ALLOWED_HEADERS = [
  'accept',
  'authorization',
  'content-type',
  'content-encoding',
  'x-request-id',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
].join(', ');
const EXPOSED_HEADERS = 'x-request-id, retry-after';
/** How long a browser may reuse a preflight's answer (Chromium caps it at two hours). */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/**
 * CORS for exact `origins` (scheme, host, port), on plain Node requests, in front of every route. Returns true when
 * it has answered the request itself (a preflight from an allowed origin), false when the request goes on.
 */
export function corsFor(origins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const allowed = new Set(origins);
  return (req, res) => {
    if (allowed.size === 0) return false;
    // The answer depends on the Origin header whatever it is: a shared cache must not hand one origin's to another.
    res.setHeader('vary', 'origin');
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return false;
    res.setHeader('access-control-allow-origin', origin);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.writeHead(204, {
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
        'content-length': '0',
      });
      res.end();
      return true;
    }
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    return false;
  };
}
