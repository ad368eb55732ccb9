import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler, Response } from 'express';
import type { DataSource } from 'typeorm';
import { Role, type Principal } from '../auth/roles';
import { AuthenticationError, type TokenVerifier } from '../auth/tokens';
import { CimMessageError, failureMessage, readCimMessage, replyFailed, writeCimMessage, type CimEnvelope, type CimReply, type OutgoingMessage } from '../cim';
import type { Config } from '../config';
import { enqueueCimReply } from '../jobs/cim-reply.job';
import type { Queues } from '../jobs/queues';
import { AccessScope } from '../services/access/access-scope';
import { registerPush, waitForJob } from '../services/cim/inbound';
import { answerGet, getCost, GetRefusal, type GetOptions } from '../services/cim/meter-readings-get';
import { acknowledgement, loadReply, ownHeader, refusalReply, responseTo } from '../services/cim/replies';
import { cimContentType, replyUrl } from '../services/cim/reply-post';
import { DEFAULT_SOURCE_SYSTEM } from '../services/import/import-file';
import type { ImportResult } from '../services/import/types';
import { charge } from './budgets';
import { authenticate } from './graphql';
import type { CostBuckets } from './query-limits';

// POST /cim: IEC 61968-100 messages with a 61968-9 MeterReadings payload, in a SOAP 1.1 or 1.2 envelope or bare.
// Every answer is a 61968-100 message in the caller's binding, echoing its CorrelationID (or MessageID): HTTP 200 for
// a message we read (OK, PARTIAL or FAILED is in its Reply), 400 for one we could not read, 401/403 for a caller we
// do not let in, 413 for a body over the limit, 500 (with a FAILED 5.3 reply and no detail) for our own faults.

/** Pushes load data: the roles that may start imports. */
export const CIM_PUSH_ROLES: readonly Role[] = [Role.ADMIN, Role.OPS];
/** Gets read any usage point's readings, as CSR, ADMIN and OPS do through GraphQL; customers use GraphQL. */
export const CIM_GET_ROLES: readonly Role[] = [Role.ADMIN, Role.OPS, Role.CSR];

const PUSH_VERBS = new Set(['create', 'change', 'created', 'changed']);
export const MAX_CIM_BODY = 256 * 1024 * 1024;
/** Without a valid token, only this much is read: enough for a Header to echo, too little to be worth sending. */
const MAX_ANONYMOUS_BODY = 1024 * 1024;
/** How long a synchronous push waits for its load before answering with an acknowledgment instead. */
const SYNC_WAIT_MS = 30_000;
/** What a push costs in budget points: its load is a queued job, the budget only has to stop a flood of them. */
const PUSH_COST = 100;

export interface CimEndpointOptions {
  verifier: TokenVerifier;
  dataSource: DataSource;
  queues: Queues;
  config: Config;
  /** The per-principal budgets GraphQL charges too. */
  budgets: CostBuckets;
}

class TooLarge extends Error {}

/** The binding a caller speaks, from its Content-Type, for answers to bodies we could not read. */
function bindingOf(req: Request): '1.1' | '1.2' | undefined {
  const type = req.header('content-type') ?? '';
  if (type.includes('application/soap+xml')) return '1.2';
  return req.header('soapaction') !== undefined ? '1.1' : undefined;
}

/** Streams the body to a spool file while hashing it; the load job reads it from there (it may run elsewhere). */
async function spool(req: Request, dir: string, limit: number): Promise<{ path: string; checksum: string }> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${randomUUID()}.xml`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) return done(new TooLarge(`the message is larger than ${limit} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(req, meter, createWriteStream(path));
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { path, checksum: hash.digest('hex') };
}

/** The envelope only: the reader stops after the Header/Request/Reply, the payload is the load job's. */
async function envelopeOf(path: string): Promise<CimEnvelope> {
  const events = readCimMessage(createReadStream(path));
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
  const { verifier, dataSource, queues, config, budgets } = options;
  const spoolDir = join(config.inboxDir, '.cim');
  return async (req, res) => {
    const binding = bindingOf(req);
    let spooled: { path: string; checksum: string } | undefined;
    let envelope: CimEnvelope | undefined;
    const reply = (status: number, body: CimReply) => send(res, status, responseTo(envelope ?? { soap: binding }, body, envelope?.soap ?? binding));
    try {
      const principal = await principalOf(req, verifier);
      try {
        spooled = await spool(req, spoolDir, principal ? MAX_CIM_BODY : MAX_ANONYMOUS_BODY);
        envelope = await envelopeOf(spooled.path);
      } catch (error) {
        if (error instanceof TooLarge) return await reply(principal ? 413 : 401, replyFailed({ replyCode: principal ? '3.1' : '7.7', message: principal ? error.message : 'a bearer token is required' }));
        if (!(error instanceof CimMessageError)) throw error;
        return await send(res, 400, { ...failureMessage(error, ownHeader()), soap: binding });
      }
      const verb = envelope.header?.verb ?? '';
      const isGet = verb === 'get' && envelope.kind === 'request';
      const isPush = PUSH_VERBS.has(verb) && (envelope.kind === 'request' || envelope.kind === 'event');
      if (!principal) return await reply(401, replyFailed({ replyCode: '7.7', message: 'a valid bearer token is required' }));
      const roles = isGet ? CIM_GET_ROLES : CIM_PUSH_ROLES;
      if (!roles.includes(principal.role)) return await reply(403, replyFailed({ replyCode: '7.7', message: `role ${principal.role} may not ${isGet ? 'get' : 'push'} MeterReadings` }));
      if (!isGet && !isPush) {
        return await reply(200, replyFailed({ replyCode: '2.9', message: `${envelope.rootName} with Verb ${verb} is not handled here: send get, create or change requests, or created or changed events` }));
      }
      const getOptions: GetOptions = { sourceSystem: DEFAULT_SOURCE_SYSTEM, scope: AccessScope.of(principal) };
      const retryAfter = charge(budgets, principal, req.ip, isGet ? await getCost(dataSource, envelope, getOptions) : PUSH_COST);
      if (retryAfter !== undefined) {
        res.set('retry-after', String(retryAfter));
        return await reply(429, replyFailed({ replyCode: '7.7', message: `RATE_LIMITED: the budget of this token is used up; retry in ${retryAfter} s` }));
      }
      const asyncAddress = envelope.header?.asyncReplyFlag ? envelope.header.replyAddress : undefined;
      if (asyncAddress !== undefined && !replyUrl(asyncAddress, config.cimReplyUrls)) {
        return await reply(200, replyFailed({ replyCode: '1.8', message: `AsyncReplyFlag is true but ReplyAddress ${asyncAddress || '(none)'} is not an http(s) URL under one this portal posts replies to (CIM_REPLY_URLS)` }));
      }
      if (isGet) {
        await rm(spooled.path, { force: true });
        spooled = undefined;
        if (asyncAddress) {
          const job = await enqueueCimReply(queues, { kind: 'get', address: asyncAddress, envelope, principal });
          return await reply(200, acknowledgement(job.id, `the readings will be posted to ${asyncAddress}`));
        }
        return await answer(res, dataSource, envelope, getOptions);
      }
      const registered = await registerPush(dataSource, queues.imports, {
        ...spooled,
        envelope,
        sender: envelope.header?.source ?? principal.subject,
        replyAddress: asyncAddress,
      });
      spooled = undefined; // the load job's now
      if (!registered) return await reply(200, acknowledgement(undefined, 'this MessageID was received and processed before; nothing was done again'));
      const { job, duplicate } = registered;
      if (asyncAddress) {
        return await reply(200, acknowledgement(job.id, duplicate ? 'this MessageID was received before; its outcome goes to the first ReplyAddress' : `the outcome will be posted to ${asyncAddress}`));
      }
      const outcome = await waitForJob(queues.imports, job.id as string, SYNC_WAIT_MS);
      if (outcome.state === 'completed') return await reply(200, loadReply(outcome.value as ImportResult));
      if (outcome.state === 'failed') return await reply(200, replyFailed({ replyCode: '1.8', message: outcome.reason.replace(/^\S+ rejected: /, '') }));
      return await reply(200, acknowledgement(job.id, 'accepted and queued; the load has not finished yet'));
    } catch (error) {
      req.log.error({ err: error }, 'CIM request failed');
      if (spooled) await rm(spooled.path, { force: true }).catch(() => undefined);
      if (res.headersSent) return void res.destroy();
      await reply(500, replyFailed({ replyCode: '5.3', message: `an internal error occurred (request id ${req.id})` })).catch(() => res.destroy());
    }
  };
}

/** A synchronous get: the ResponseMessage streams from the database as it is written. */
async function answer(res: Response, dataSource: DataSource, envelope: CimEnvelope, options: GetOptions): Promise<void> {
  try {
    const { message } = await answerGet(dataSource, envelope, options);
    await send(res, 200, message);
  } catch (error) {
    if (!(error instanceof GetRefusal)) throw error;
    await send(res, 200, responseTo(envelope, refusalReply(error)));
  }
}
