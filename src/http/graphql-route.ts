import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import express from 'express';
import type { GraphQLContext } from '../schema/context';
import type { Logger } from '../logger';
import { documentGuard } from './document-guard';
import type { QueryLimits } from './query-limits';

/** A request as the front (app.ts) hands it on: with its id and logger. */
export type FrontRequest = IncomingMessage & { id: string; log: Logger; body?: unknown };

type BodyParser = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

const BODY_ERROR_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

export function sendGraphQLError(
  req: FrontRequest,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code, requestId: req.id } }] });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function sendResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    // Encoded once, so the length is known and the answer leaves in one write.
    const bytes = Buffer.from(response.body.string);
    res.setHeader('content-length', bytes.length);
    res.end(bytes);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * The GraphQL endpoint on the plain Node request: the body is read by Express's JSON parser (same limits, charsets,
 * content encodings and errors as every JSON route), the document guard runs, and Apollo executes, with no router or
 * middleware chain around it. A body the parser refuses and a document the guard refuses are answered in GraphQL's
 * error shape with a code, like the bodies Apollo itself refuses. Express mounts the same handler for GET, where the
 * GraphiQL page shares the path.
 */
export function graphqlRoute(
  apollo: ApolloServer<GraphQLContext>,
  options: { limits: QueryLimits; context: (req: FrontRequest) => Promise<GraphQLContext> },
): (req: FrontRequest, res: ServerResponse) => Promise<void> {
  const parseBody = express.json({ limit: '1mb' }) as unknown as BodyParser;
  const guard = documentGuard(options.limits);
  const readBody = (req: FrontRequest, res: ServerResponse) =>
    new Promise<unknown>((resolve) => parseBody(req, res, resolve));
  return async (req, res) => {
    const parseError = (await readBody(req, res)) as { status?: number; message?: string } | undefined;
    const parseCode = parseError && BODY_ERROR_CODES[parseError.status ?? 500];
    if (parseError && !parseCode) throw parseError;
    if (parseError)
      return sendGraphQLError(
        req,
        res,
        parseError.status as number,
        parseCode as string,
        parseError.message ?? 'bad request',
      );
    const url = req.url ?? '';
    const search = url.includes('?') ? url.slice(url.indexOf('?')) : '';
    const query =
      req.method === 'GET'
        ? new URLSearchParams(search).get('query')
        : (req.body as { query?: unknown } | undefined)?.query;
    const refused = guard(query);
    if (refused) return sendGraphQLError(req, res, refused.status, refused.graphqlCode, refused.message);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers))
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search, body: req.body },
      context: () => options.context(req),
    });
    await sendResponse(res, response);
  };
}
