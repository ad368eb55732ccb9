import type { Request, Response } from 'express';

/** The error body of the JSON entry points (ESPI REST, downloads, /metrics, admin): a message, a code, the request id. */
export function sendJsonError(req: Request, res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: message, code, requestId: req.id });
}
