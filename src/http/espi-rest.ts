import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/roles';
import { ESPI_REST_PATH } from '../espi';
import { AuthenticationError, type TokenVerifier } from '../auth/tokens';
import { AccessScope } from '../services/access/access-scope';
import { idOf } from '../services/access/global-id';
import { InvalidInputError } from '../services/errors';
import { readCost } from '../services/export/cost';
import { exportOf } from '../services/export/download';
import { ExportFormat } from '../services/export/download-link';
import type { UsageExportRequest } from '../services/export/espi-feed';
import { resolveExportTargets, visibleUsagePoints } from '../services/export/targets';
import { charge, sendRateLimited } from './budgets';
import { authenticate } from './authentication';
import { streamExport } from './export-stream';
import { sendJsonError } from './json-error';
import type { CostBuckets } from './query-limits';

const MAX_RESULTS_LIMIT = 10_000;

class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface EspiRestOptions {
  db: DataSource;
  verifier: TokenVerifier;
  /** The per-principal budgets GraphQL charges too. */
  budgets: CostBuckets;
  /** PUBLIC_BASE_URL: the feeds' hrefs start here, whatever Host the request named. */
  publicBaseUrl: string;
}

function instant(req: Request, name: string): Date | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  const d = typeof raw === 'string' && /^\d{4}-\d\d-\d\dT/.test(raw) ? new Date(raw) : new Date(NaN);
  if (Number.isNaN(d.getTime()))
    throw new RestError(400, 'BAD_REQUEST', `${name} must be an xs:dateTime, e.g. 2024-01-01T00:00:00Z`);
  return d;
}

function positive(
  req: Request,
  name: string,
  fallback: number | undefined,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw new RestError(400, 'BAD_REQUEST', `${name} must be an integer from 1 to ${max}`);
  return Number(raw);
}

/**
 * The ESPI query parameters: published-min/max bound the usage data's time ([min, max)), updated-min/max when
 * the portal last wrote it, and start-index (1-based) / max-results page the resource's collection.
 */
function filters(req: Request): {
  range: Pick<UsageExportRequest, 'from' | 'to' | 'updatedMin' | 'updatedMax'>;
  page?: { offset: number; limit: number };
} {
  const range = {
    from: instant(req, 'published-min'),
    to: instant(req, 'published-max'),
    updatedMin: instant(req, 'updated-min'),
    updatedMax: instant(req, 'updated-max'),
  };
  if (range.from && range.to && range.from >= range.to)
    throw new RestError(400, 'BAD_REQUEST', 'published-min must be before published-max');
  if (range.updatedMin && range.updatedMax && range.updatedMin >= range.updatedMax)
    throw new RestError(400, 'BAD_REQUEST', 'updated-min must be before updated-max');
  const start = positive(req, 'start-index', 1) as number;
  const max = positive(req, 'max-results', undefined, MAX_RESULTS_LIMIT);
  return {
    range,
    page: max === undefined && start === 1 ? undefined : { offset: start - 1, limit: max ?? MAX_RESULTS_LIMIT },
  };
}

/** Not visible and not there answer alike: 404. */
async function targets(
  db: DataSource,
  scope: AccessScope,
  target: Parameters<typeof resolveExportTargets>[2],
): Promise<string[]> {
  try {
    return await resolveExportTargets(db, scope, target);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new RestError(404, 'NOT_FOUND', 'no such resource');
    throw error;
  }
}

/**
 * Read-only ESPI REST resources (Atom feeds valid against espi.xsd), with the GraphQL API's bearer tokens and
 * authorisation: a CUSTOMER reaches only its own customer's usage points. Ids are the GraphQL global ids.
 */
export function espiRestRoutes({ db, verifier, budgets, publicBaseUrl }: EspiRestOptions): Router {
  const router = express.Router();
  const unauthenticated = (req: Request, res: Response, message: string) => {
    res.set('www-authenticate', 'Bearer');
    sendJsonError(req, res, 401, 'UNAUTHENTICATED', message);
  };
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      const principal = await authenticate(req, verifier);
      if (!principal) return unauthenticated(req, res, 'authentication required');
      res.locals.principal = principal;
      res.locals.scope = AccessScope.of(principal);
      next();
    } catch (error) {
      if (error instanceof AuthenticationError) return unauthenticated(req, res, error.message);
      next(error);
    }
  });
  const baseUrl = `${publicBaseUrl}${ESPI_REST_PATH}`;
  const feed =
    (build: (req: Request, scope: AccessScope) => Promise<Omit<UsageExportRequest, 'scope'>>) =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const scope = res.locals.scope as AccessScope;
        const request = { ...(await build(req, scope)), scope, baseUrl };
        // Priced by what the range holds for these usage points (and series), before a byte streams.
        const cost = await readCost(db, { ...request, readings: request.parts?.intervalBlocks !== false });
        const retryAfter = charge(budgets, res.locals.principal as Principal, req.ip, cost);
        if (retryAfter !== undefined) return sendRateLimited(req, res, retryAfter);
        await streamExport(req, res, exportOf(db, ExportFormat.ESPI_XML, request), 'inline');
      } catch (error) {
        if (error instanceof RestError) return sendJsonError(req, res, error.status, error.code, error.message);
        next(error);
      }
    };

  router.get(
    '/Batch/RetailCustomer/:customerId/UsagePoint',
    feed(async (req, scope) => {
      const { range, page } = filters(req);
      const all = await targets(db, scope, { customerId: String(req.params.customerId) });
      return { ...range, usagePointIds: page ? all.slice(page.offset, page.offset + page.limit) : all };
    }),
  );
  router.get(
    '/UsagePoint/:usagePointId',
    feed(async (req, scope) => ({
      ...filters(req).range,
      usagePointIds: await targets(db, scope, { usagePointIds: [String(req.params.usagePointId)] }),
      parts: { usagePoints: true, meterReadings: false, intervalBlocks: false, summaries: false },
    })),
  );
  router.get(
    '/UsagePoint/:usagePointId/MeterReading',
    feed(async (req, scope) => {
      const { range, page } = filters(req);
      const usagePointIds = await targets(db, scope, { usagePointIds: [String(req.params.usagePointId)] });
      return {
        ...range,
        usagePointIds,
        seriesPage: page,
        parts: { usagePoints: false, meterReadings: true, intervalBlocks: false, summaries: false },
      };
    }),
  );
  router.get(
    '/MeterReading/:meterReadingId/IntervalBlock',
    feed(async (req, scope) => {
      const { range, page } = filters(req);
      const id = idOf(String(req.params.meterReadingId), 'MeterReading');
      const rows = id
        ? ((await db.query(`SELECT usage_point_id::text AS up FROM meter_reading WHERE id = $1`, [id])) as {
            up: string;
          }[])
        : [];
      if (rows.length === 0 || (await visibleUsagePoints(db, scope, [rows[0].up])).length === 0)
        throw new RestError(404, 'NOT_FOUND', 'no such resource');
      return {
        ...range,
        usagePointIds: [rows[0].up],
        meterReadingId: id as string,
        dayPage: page,
        parts: { usagePoints: false, meterReadings: false, intervalBlocks: true, summaries: false },
      };
    }),
  );
  return router;
}
