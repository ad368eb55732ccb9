import express, { type Router } from 'express';
import type { DataSource } from 'typeorm';
import { DownloadLinkError, DownloadLinkExpired } from '../services/export/download-link';
import { openDownload } from '../services/export/download';
import { charge, sendRateLimited } from './budgets';
import { streamExport } from './export-stream';
import { sendJsonError } from './json-error';
import type { CostBuckets } from './query-limits';

/**
 * `GET /download/<token>`: the file a signed URL grants (usagePointDownload issues them). No bearer token: the URL
 * is the credential, which is why it is short-lived, bound to one export and checked again against its holder, whose
 * budget it is charged to.
 */
export function downloadRoutes(db: DataSource, key: Buffer, budgets: CostBuckets): Router {
  const router = express.Router();
  router.get('/:token', async (req, res, next) => {
    let opened;
    try {
      opened = await openDownload(db, key, req.params.token);
    } catch (error) {
      if (!(error instanceof DownloadLinkError)) return next(error);
      const expired = error instanceof DownloadLinkExpired;
      return sendJsonError(req, res, expired ? 410 : 403, expired ? 'LINK_EXPIRED' : 'FORBIDDEN', error.message);
    }
    const retryAfter = charge(budgets, opened.principal, req.ip, opened.cost);
    if (retryAfter !== undefined) return sendRateLimited(req, res, retryAfter);
    await streamExport(req, res, opened.export, 'attachment');
  });
  return router;
}
