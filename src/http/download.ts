import express, { type Router } from 'express';
import type { DataSource } from 'typeorm';
import { DownloadLinkError } from '../services/export/download-link';
import { openDownload } from '../services/export/download';
import { streamExport } from './export-stream';

/**
 * `GET /download/<token>`: the file a signed URL grants (usagePointDownload issues them). No bearer token: the URL
 * is the credential, which is why it is short-lived, bound to one export and checked again against its holder.
 */
export function downloadRoutes(db: DataSource, key: Buffer): Router {
  const router = express.Router();
  router.get('/:token', async (req, res, next) => {
    let exp;
    try {
      exp = await openDownload(db, key, req.params.token);
    } catch (error) {
      if (!(error instanceof DownloadLinkError)) return next(error);
      const expired = /expired/.test(error.message);
      return res.status(expired ? 410 : 403).json({ error: error.message, requestId: req.id });
    }
    await streamExport(req, res, exp, 'attachment');
  });
  return router;
}
