import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Export } from '../services/export/download';

/**
 * Streams an export as the response body. The export writes into a pipe whose backpressure is the client's: a
 * slow reader slows the database paging instead of filling memory, and a client that goes away ends the export
 * (its next write fails) and frees its connection.
 */
export async function streamExport(
  req: Request,
  res: Response,
  exp: Export,
  disposition: 'attachment' | 'inline',
): Promise<void> {
  res.status(200).set({
    'content-type': exp.contentType,
    'content-disposition': `${disposition}; filename="${exp.fileName}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  const body = new PassThrough({ highWaterMark: 64 * 1024 });
  const sent = pipeline(body, res);
  try {
    await exp.write(body);
    body.end();
  } catch (error) {
    // Headers are out: the only way to tell the client is a broken body (a truncated feed fails to parse).
    if (!res.writableEnded && !body.destroyed) req.log.error({ err: error }, 'export failed while streaming');
    body.destroy(error as Error);
  }
  await sent.catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') req.log.warn({ err: error }, 'export response ended early');
  });
}
