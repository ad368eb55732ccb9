import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Request, RequestHandler, Response } from 'express';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/roles';
import { AuthenticationError, type TokenVerifier } from '../auth/tokens';
import {
  CimMessageError,
  failureMessage,
  readCimMessage,
  replyFailed,
  writeCimMessage,
  type CimEnvelope,
  type CimReply,
  type OutgoingMessage,
} from '../cim';
import type { Config } from '../config';
import { enqueueCimReply } from '../jobs/cim-reply.job';
import type { QueueAccess } from '../queue/queue-access';
import { AccessScope } from '../services/access/access-scope';
import { allows, refusalOf } from '../services/access/permissions';
import { registerPush, waitForJob } from '../services/cim/inbound';
import { answerGet, getCost, GetRefusal, type GetOptions } from '../services/cim/meter-readings-get';
import { acknowledgement, loadReply, ownHeader, refusalReply, responseTo } from '../services/cim/replies';
import { cimContentType } from '../services/cim/reply-post';
import { allowedUrl } from '../services/outbound-url';
import { BodyTooLarge, cimSpoolDir, SpooledBody } from '../services/cim/spool';
import { DEFAULT_SOURCE_SYSTEM } from '../services/import/import-file';
import type { ImportResult } from '../services/import/types';
import { charge } from './budgets';
import { authenticate } from './authentication';
import type { CostBuckets } from './query-limits';

// POST /cim: IEC 61968-100 messages with a 61968-9 MeterReadings payload, in a SOAP 1.1 or 1.2 envelope or bare.
// Every answer is a 61968-100 message in the caller's binding, echoing its CorrelationID (or MessageID): HTTP 200 for
// a message we read (OK, PARTIAL or FAILED is in its Reply), 400 for one we could not read, 401/403 for a caller we
// do not let in, 413 for a body over the limit, 500 (with a FAILED 5.3 reply and no detail) for our own faults.

const PUSH_VERBS = new Set(['create', 'change', 'created', 'changed']);
export const MAX_CIM_BODY = 256 * 1024 * 1024;
/**
 * A caller who may not push (no valid token, a get-only or no CIM role) has only this much read, in memory like a
 * GraphQL request and never to disk: enough for a get or a Header to echo, too little to be worth sending.
 */
export const MAX_UNPRIVILEGED_BODY = 1024 * 1024;
/** How long a synchronous push waits for its load before answering with an acknowledgment instead. */
const SYNC_WAIT_MS = 30_000;
/** What a push costs in budget points: its load is a queued job, the budget only has to stop a flood of them. */
const PUSH_COST = 100;

export interface CimEndpointOptions {
  verifier: TokenVerifier;
  dataSource: DataSource;
  queueAccess: QueueAccess;
  config: Config;
  /** The per-principal budgets GraphQL charges too. */
  budgets: CostBuckets;
}

/** The binding a caller speaks, from its Content-Type, for answers to bodies we could not read. */
function bindingOf(req: Request): '1.1' | '1.2' | undefined {
  const type = req.header('content-type') ?? '';
  if (type.includes('application/soap+xml')) return '1.2';
  return req.header('soapaction') !== undefined ? '1.1' : undefined;
}

/** A small body, whole, in memory (see MAX_UNPRIVILEGED_BODY). */
async function readSmall(req: Request): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_UNPRIVILEGED_BODY) throw new BodyTooLarge(MAX_UNPRIVILEGED_BODY);
    chunks.push(chunk);
  }
  return chunks;
}

/**
 * The envelope only: the reader stops after the Header/Request/Reply, the payload is the load job's. A caller who may
 * push has the body spooled first (the load job reads it from there); anyone else's is read in memory.
 */
async function envelopeOf(req: Request, spool: SpooledBody | undefined): Promise<CimEnvelope> {
  // Refused before a byte is read when the client says up front that it is too large.
  const limit = spool ? MAX_CIM_BODY : MAX_UNPRIVILEGED_BODY;
  if (Number(req.header('content-length')) > limit) throw new BodyTooLarge(limit);
  if (spool) await spool.receive(req, MAX_CIM_BODY);
  const events = readCimMessage(spool ? createReadStream(spool.path) : await readSmall(req));
  try {
    for await (const event of events) if (event.type === 'envelope') return event.envelope;
  } finally {
    await events.return(undefined);
  }
  throw new CimMessageError('xml-empty', '1.8', 'the message has no envelope');
}

async function send(res: Response, status: number, message: OutgoingMessage): Promise<void> {
  res.status(status).type(cimContentType(message.soap));
  for await (const chunk of writeCimMessage(message)) {
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    // The caller went away: stop reading the database (leaving the loop closes the generators and their queries).
    if (res.destroyed) return;
  }
  res.end();
}

async function principalOf(req: Request, verifier: TokenVerifier): Promise<Principal | undefined> {
  try {
    return await authenticate(req, verifier);
  } catch (error) {
    if (error instanceof AuthenticationError) return undefined;
    throw error;
  }
}

export function cimEndpoint(options: CimEndpointOptions): RequestHandler {
  const { verifier, dataSource, queueAccess, config, budgets } = options;
  const { queues } = queueAccess;
  const spoolDir = cimSpoolDir(config.inboxDir);
  return async (req, res) => {
    const binding = bindingOf(req);
    let spooled: SpooledBody | undefined;
    let envelope: CimEnvelope | undefined;
    // A body no import job adopted is removed before any answer: a caller who has its answer finds nothing left.
    const answerWith = async (status: number, message: OutgoingMessage) => {
      await spooled?.dispose();
      await send(res, status, message);
    };
    const reply = (status: number, body: CimReply) =>
      answerWith(status, responseTo(envelope ?? { soap: binding }, body, envelope?.soap ?? binding));
    const unauthenticated = () =>
      reply(401, replyFailed({ replyCode: '7.7', message: 'a valid bearer token is required' }));
    try {
      const principal = await principalOf(req, verifier);
      try {
        if (allows(principal, 'pushCim')) spooled = new SpooledBody(spoolDir);
        envelope = await envelopeOf(req, spooled);
      } catch (error) {
        // The rest of a refused body is not read: the connection closes rather than carry it.
        if (error instanceof BodyTooLarge) {
          res.set('connection', 'close');
          return await (principal
            ? reply(413, replyFailed({ replyCode: '3.1', message: error.message }))
            : unauthenticated());
        }
        if (!(error instanceof CimMessageError)) throw error;
        // Without a token the body is read only to echo its Header: an unreadable one is still a missing token.
        if (!principal) return await unauthenticated();
        return await answerWith(400, { ...failureMessage(error, ownHeader()), soap: binding });
      }
      const verb = envelope.header?.verb ?? '';
      const isGet = verb === 'get' && envelope.kind === 'request';
      const isPush = PUSH_VERBS.has(verb) && (envelope.kind === 'request' || envelope.kind === 'event');
      if (!principal) return await unauthenticated();
      const permission = isGet ? 'getCim' : 'pushCim';
      if (!allows(principal, permission))
        return await reply(403, replyFailed({ replyCode: '7.7', message: refusalOf(principal, permission).message }));
      if (!isGet && !isPush) {
        return await reply(
          200,
          replyFailed({
            replyCode: '2.9',
            message: `${envelope.rootName} with Verb ${verb} is not handled here: send get, create or change requests, or created or changed events`,
          }),
        );
      }
      const getOptions: GetOptions = { sourceSystem: DEFAULT_SOURCE_SYSTEM, scope: AccessScope.of(principal) };
      const retryAfter = charge(
        budgets,
        principal,
        req.ip,
        isGet ? await getCost(dataSource, envelope, getOptions) : PUSH_COST,
      );
      if (retryAfter !== undefined) {
        res.set('retry-after', String(retryAfter));
        return await reply(
          429,
          replyFailed({
            replyCode: '7.7',
            message: `RATE_LIMITED: the budget of this token is used up; retry in ${retryAfter} s`,
          }),
        );
      }
      const asyncAddress = envelope.header?.asyncReplyFlag ? envelope.header.replyAddress : undefined;
      // A flag without an address asks for an asynchronous reply all the same: refused, never answered synchronously.
      if (envelope.header?.asyncReplyFlag && !allowedUrl(asyncAddress, config.cimReplyUrls)) {
        return await reply(
          200,
          replyFailed({
            replyCode: '1.8',
            message: `AsyncReplyFlag is true but ReplyAddress ${asyncAddress || '(none)'} is not an http(s) URL under one this portal posts replies to (CIM_REPLY_URLS)`,
          }),
        );
      }
      if (isGet) {
        // Not needed for a get, which may stream for long.
        await spooled?.dispose();
        if (asyncAddress) {
          const job = await enqueueCimReply(queues, { kind: 'get', address: asyncAddress, envelope, principal });
          return await reply(200, acknowledgement(job.id, `the readings will be posted to ${asyncAddress}`));
        }
        return await answer(res, dataSource, envelope, getOptions);
      }
      if (!spooled) throw new Error('a push from a role that may push has its body spooled');
      const registered = await registerPush(dataSource, queueAccess, {
        body: spooled,
        envelope,
        sender: envelope.header?.source ?? principal.subject,
        replyAddress: asyncAddress,
      });
      if (!registered)
        return await reply(
          200,
          acknowledgement(undefined, 'this MessageID was received and processed before; nothing was done again'),
        );
      const { job, duplicate } = registered;
      if (asyncAddress) {
        return await reply(
          200,
          acknowledgement(
            job.id,
            duplicate
              ? 'this MessageID was received before; its outcome goes to the first ReplyAddress'
              : `the outcome will be posted to ${asyncAddress}`,
          ),
        );
      }
      const outcome = await waitForJob(queues.imports, job.id as string, SYNC_WAIT_MS);
      if (outcome.state === 'completed') return await reply(200, loadReply(outcome.value as ImportResult));
      if (outcome.state === 'failed')
        return await reply(
          200,
          replyFailed({ replyCode: '1.8', message: outcome.reason.replace(/^\S+ rejected: /, '') }),
        );
      return await reply(200, acknowledgement(job.id, 'accepted and queued; the load has not finished yet'));
    } catch (error) {
      // The caller went away mid-body: nobody to answer, and not our fault (no 500 to alert on).
      if ((error as NodeJS.ErrnoException).code === 'ECONNRESET' && !req.complete)
        return void req.log.warn({ err: error }, 'CIM request interrupted');
      req.log.error({ err: error }, 'CIM request failed');
      if (res.headersSent) return void res.destroy();
      await reply(
        500,
        replyFailed({ replyCode: '5.3', message: `an internal error occurred (request id ${req.id})` }),
      ).catch(() => res.destroy());
    } finally {
      // Also when no answer could be sent.
      await spooled
        ?.dispose()
        .catch((error) => req.log.error({ err: error, path: spooled?.path }, 'CIM spool file not removed'));
    }
  };
}

/** A synchronous get: the ResponseMessage streams from the database as it is written. */
async function answer(
  res: Response,
  dataSource: DataSource,
  envelope: CimEnvelope,
  options: GetOptions,
): Promise<void> {
  try {
    const { message } = await answerGet(dataSource, envelope, options);
    await send(res, 200, message);
  } catch (error) {
    if (!(error instanceof GetRefusal)) throw error;
    await send(res, 200, responseTo(envelope, refusalReply(error)));
  }
}
