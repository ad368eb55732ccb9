import { resolve } from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import type { DataSource } from 'typeorm';
import { Role } from '../auth/roles';
import { mintToken } from '../auth/tokens';
import type { Config } from '../config';
import { isGeneratedDemoOds, odsUrlFor } from '../ods/database';
import { demoCustomerId } from '../services/demo/demo-customer';
import { charge, sendRateLimited } from './budgets';
import { sendJsonError } from './json-error';
import type { CostBuckets } from './query-limits';

export const DEMO_PAGE_PATH = '/demo';

/** Long enough to show the page in a meeting; a token copied out of the page is worth a quarter of an hour. */
const DEMO_TOKEN_TTL_SECONDS = 15 * 60;
/** A sign-in costs a query and an ODS connection: more than a flat request, far less than a day of usage. */
const SIGN_IN_COST = 100;

// Compiled to dist/src/http: the page's files are in public/demo at the repository root.
const PUBLIC_DIR = resolve(__dirname, '..', '..', '..', 'public', 'demo');
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'html' },
  '/demo.js': { file: 'demo.js', type: 'application/javascript' },
  '/demo.css': { file: 'demo.css', type: 'css' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

// Nothing but this origin's own script, styles and API: an injected tag can neither run nor send data elsewhere.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface DemoPageOptions {
  config: Config;
  dataSource: DataSource;
  budgets: CostBuckets;
}

/**
 * GET /demo (the page and its files) and POST /demo/session, which signs the page in as a customer of the generated
 * demo data. Mounted only when DEMO_PAGE is on; otherwise both are the API's plain 404.
 */
export function demoPageRoutes(options: DemoPageOptions): Router {
  const router = express.Router();
  for (const [path, { file, type }] of Object.entries(FILES)) {
    router.get(path, (_req, res) => {
      res.set({
        'content-security-policy': CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
      });
      res.type(type).sendFile(resolve(PUBLIC_DIR, file));
    });
  }
  router.post('/session', express.json({ limit: '1kb' }), demoSession(options));
  return router;
}

function demoSession({ config, dataSource, budgets }: DemoPageOptions) {
  const demoData = demoDataCheck(config, dataSource);
  return async (req: Request, res: Response) => {
    // A JSON body needs a CORS preflight from another origin, so no other site's form or script can sign a browser in.
    if (!req.is('application/json'))
      return sendJsonError(req, res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send the sign-in as application/json');
    const retryAfter = charge(budgets, undefined, req.ip, SIGN_IN_COST);
    if (retryAfter !== undefined) return sendRateLimited(req, res, retryAfter);
    // An ODS not (yet) reachable is no demo either: a first start creates and seeds it in the background.
    if (!(await demoData().catch(() => false))) {
      return sendJsonError(
        req,
        res,
        409,
        'NO_DEMO_DATA',
        'the ODS holds no generated demo data (yet): the demo page signs in only as its fictitious customers',
      );
    }
    const customerId = await demoCustomerId(dataSource);
    if (!customerId)
      return sendJsonError(
        req,
        res,
        409,
        'DEMO_DATA_LOADING',
        'no demo customer is loaded yet: the first extract is still running; try again in a minute',
      );
    const ttlSeconds = Math.min(DEMO_TOKEN_TTL_SECONDS, config.jwt.maxTtlSeconds);
    const token = await mintToken(config, { role: Role.CUSTOMER, subject: 'demo-page', customerId, ttlSeconds });
    res.set('cache-control', 'no-store');
    res.json({ token, expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString() });
  };
}

/** Whether the ODS is the generated demo; a yes is remembered (the generator never turns into a real ODS). */
function demoDataCheck(config: Config, dataSource: DataSource): () => Promise<boolean> {
  let known = false;
  return async () => {
    if (known) return true;
    const odsUrl = odsUrlFor(config, (dataSource.options as { url: string }).url);
    known = odsUrl !== undefined && (await isGeneratedDemoOds(odsUrl));
    return known;
  };
}
