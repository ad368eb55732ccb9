import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Logger } from '../logger';
import { DOWNLOAD_PATH } from '../services/export/download';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

// Accept a caller's id (a gateway's or the mobile app's) only if it is short and plain, so it is safe in logs.
const INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;

// A download URL is a bearer credential for its holder's data: whoever reads the logs (OPS) must not be able to replay
// it.
const CREDENTIAL_IN_PATH = new RegExp(`^(${DOWNLOAD_PATH}/)[^/]+`);
const loggedPath = (path: string) => path.replace(CREDENTIAL_IN_PATH, '$1…');

/**
 * The request's id (the caller's, or a new one), echoed in `x-request-id`, and its logger; the request is logged when
 * its response has been sent. The front (app.ts) runs it for every request, before any route.
 */
export function beginRequest(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  path = (req.url ?? '').split('?')[0],
): { id: string; log: Logger } {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
  const log = logger.child({ requestId: id });
  res.setHeader('x-request-id', id);
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    log.info(
      { method: req.method, path: loggedPath(path), status: res.statusCode, ms: Math.round(ms * 10) / 10 },
      'request',
    );
  });
  return { id, log };
}

/** Proxies whose X-Forwarded-For is believed: the load balancer in front is on a private network. */
export const TRUSTED_PROXIES = ['loopback', 'linklocal', 'uniquelocal'];
const trusted = proxyaddr.compile(TRUSTED_PROXIES);

/** The client's address, behind trusted proxies the forwarded one: what Express's `req.ip` says, on a plain request. */
export function clientAddressOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ? proxyaddr(req, trusted) : 'unknown';
}
