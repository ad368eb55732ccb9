import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import type { Principal } from '../auth/roles';
import { AuthenticationError, type TokenVerifier } from '../auth/tokens';
import { allows, refusalOf, type Permission } from '../services/access/permissions';
import { authenticate } from './authentication';
import { sendJsonError } from './json-error';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

// Browser pages (the queue dashboard) cannot attach a bearer header to their own requests, so a signed-in admin's
// token travels in an HttpOnly, SameSite=Strict cookie scoped to /admin: no script can read it and no other site
// can make the browser send it.
export const SESSION_COOKIE = 'usage_portal_admin';
const COOKIE_PATH = '/admin';

function cookieToken(req: Request): string | undefined {
  const header = req.header('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

async function principalOf(req: Request, verifier: TokenVerifier): Promise<Principal | undefined> {
  const fromHeader = await authenticate(req, verifier);
  if (fromHeader) return fromHeader;
  const token = cookieToken(req);
  return token ? verifier.verify(token) : undefined;
}

/** Lets through only those the permission allows; a browser without a session is sent to the sign-in page. */
export function requirePermission(verifier: TokenVerifier, permission: Permission): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    let principal: Principal | undefined;
    try {
      principal = await principalOf(req, verifier);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) return next(error);
      res.clearCookie(SESSION_COOKIE, { path: COOKIE_PATH });
    }
    if (!principal) {
      if (req.method === 'GET' && req.accepts(['application/json', 'text/html']) === 'text/html') {
        return res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
      }
      return sendJsonError(req, res, 401, 'UNAUTHENTICATED', 'authentication required');
    }
    if (!allows(principal, permission))
      return sendJsonError(req, res, 403, 'FORBIDDEN', refusalOf(principal, permission).message);
    req.principal = principal;
    next();
  };
}

function loginPage(next: string, message?: string): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>usage-portal admin sign-in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}textarea{width:100%;height:8rem}
.error{color:#b00020}</style></head>
<body><h1>usage-portal admin</h1>
<p>Paste an access token with the OPS or ADMIN role (locally: <code>npx usage-portal token --role ADMIN</code>).</p>
${message ? `<p class="error">${escape(message)}</p>` : ''}
<form method="post" action="/admin/login">
<input type="hidden" name="next" value="${escape(next)}">
<textarea name="token" required autofocus></textarea>
<p><button type="submit">Sign in</button></p>
</form></body></html>`;
}

// Only local paths: an open redirect would let a phishing link bounce through our sign-in.
function safeNext(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/admin/') && !value.startsWith('//') ? value : '/admin/queues';
}

export function adminSessionRoutes(verifier: TokenVerifier, secureCookies: boolean) {
  const router = express.Router();
  router.get('/login', (req, res) => {
    res.type('html').send(loginPage(safeNext(req.query.next)));
  });
  router.post('/login', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res, next) => {
    const token = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    const target = safeNext(req.body?.next);
    try {
      const principal = await verifier.verify(token);
      if (!allows(principal, 'useAdminPages'))
        return res
          .status(403)
          .type('html')
          .send(loginPage(target, refusalOf(principal, 'useAdminPages').message));
      res.cookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies,
        path: COOKIE_PATH,
      });
      res.redirect(303, target);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) return next(error);
      res.status(401).type('html').send(loginPage(target, error.message));
    }
  });
  router.post('/logout', (_req, res) => {
    res.clearCookie(SESSION_COOKIE, { path: COOKIE_PATH });
    res.redirect(303, '/admin/login');
  });
  return router;
}
