import { relative } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Config } from '../config';
import { enqueueImport } from '../jobs/import-queue';
import type { Queues } from '../queue/queues';
import { heldDir } from '../services/import/files';
import { checkUploadName, receiveIntoInbox, tooLarge, UploadError } from '../services/import/upload';
import { sendJsonError } from './json-error';

export const INBOX_UPLOAD_PATH = '/admin/inbox/:name';

const flag = (value: unknown) => value === 'true' || value === '1';

/**
 * `PUT /admin/inbox/:name` (ADMIN, behind requirePermission): the request body, streamed, becomes the inbox file
 * `name`, then the same import job as for any inbox file is queued (`?force=true` reloads known bytes). `?import=false`
 * only stores the file, as `held/name`, out of the inbox scan's sight, until `usageImportStart` loads it (a dry run
 * first, if wanted). 201 `{ path, bytes, sha256, jobId }`, `path` relative to the inbox.
 */
export function inboxUpload(deps: { config: Config; queues: Queues }): RequestHandler {
  const { inboxDir, uploadMaxBytes } = deps.config;
  return async (req: Request, res: Response, next: NextFunction) => {
    const name = String(req.params.name);
    try {
      checkUploadName(name);
      // Refused before a byte is read when the client says up front that it is too large.
      const declared = Number(req.header('content-length'));
      if (declared > uploadMaxBytes) throw tooLarge(uploadMaxBytes);
      const importNow = flag(req.query.import ?? 'true');
      const upload = await receiveIntoInbox(req, importNow ? inboxDir : heldDir(inboxDir), name, uploadMaxBytes);
      const job = importNow
        ? await enqueueImport(
            deps.queues.imports,
            { path: upload.path, source: 'upload', force: flag(req.query.force), inbox: true },
            upload.sha256,
          )
        : undefined;
      req.log.info({ file: upload.path, bytes: upload.bytes, jobId: job?.id }, 'inbox upload stored');
      res.status(201).json({
        path: relative(inboxDir, upload.path),
        bytes: upload.bytes,
        sha256: upload.sha256,
        jobId: job?.id ?? null,
      });
    } catch (error) {
      // The client went away mid-upload: its partial file is already gone and there is nobody to answer.
      if (req.destroyed && !(error instanceof UploadError))
        return req.log.warn({ err: error, name }, 'inbox upload interrupted');
      if (!(error instanceof UploadError)) return next(error);
      // The rest of a refused body is not read: the connection closes rather than carry it.
      res.set('connection', 'close');
      sendJsonError(req, res, error.status, error.code, error.message);
    }
  };
}
