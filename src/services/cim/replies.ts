import { randomUUID } from 'node:crypto';
import {
  replyFailed,
  replyHeader,
  replyOk,
  replyPartial,
  REPLY_CODES,
  type CimEnvelope,
  type CimReply,
  type OutgoingMessage,
  type UnknownObject,
} from '../../cim';
import type { ImportResult } from '../import/types';

/**
 * The 61968-100 Reply to a pushed MeterReadings message, from its load: OK; PARTIAL with one FATAL Error per unknown
 * object (none of its readings was taken) and one WARNING per refused reading finding (the rest was taken); FAILED
 * when the load rejected the whole message.
 */
export function loadReply(result: Pick<ImportResult, 'status' | 'errors' | 'unknown'>): CimReply {
  if (result.status === 'rejected')
    return replyFailed({ replyCode: '1.8', message: result.errors[0] ?? 'the message was rejected' });
  const unknown = result.unknown ?? [];
  const findings = result.errors.filter((e) => !/^unknown-(meter|usagepoint|enddevice|readingtype):/.test(e));
  if (!unknown.length && !findings.length) return replyOk();
  const reply = replyPartial(unknown);
  reply.errors = [
    ...(reply.errors ?? []),
    ...findings.map((details) => ({ code: '1.8', level: 'WARNING' as const, reason: REPLY_CODES['1.8'], details })),
  ];
  return reply;
}

/** The Reply to a push that is accepted and queued but not loaded yet (61968-100 0.3, simple acknowledgment). */
export function acknowledgement(jobId: string | undefined, why: string): CimReply {
  return {
    result: 'OK',
    errors: [
      {
        code: '0.3',
        level: 'INFORM',
        reason: REPLY_CODES['0.3'],
        details: `${why}${jobId ? ` (import job ${jobId})` : ''}`,
      },
    ],
  };
}

/** FAILED for a get the portal cannot answer; unknown objects each get their Error, as in a PARTIAL. */
export function refusalReply(refusal: { replyCode: string; message: string; unknown: UnknownObject[] }): CimReply {
  return refusal.unknown.length ? { ...replyPartial(refusal.unknown), result: 'FAILED' } : replyFailed(refusal);
}

/** Our ResponseMessage to a request or event: Verb reply, its Noun, its correlation echoed, in its SOAP binding. */
export function responseTo(
  request: Pick<CimEnvelope, 'header' | 'soap'> | undefined,
  reply: CimReply,
  soap = request?.soap,
): OutgoingMessage {
  return { kind: 'response', header: replyHeader(request?.header, ownHeader()), reply, soap };
}

export const PORTAL_SOURCE = 'usage-portal';

/** Source, a fresh MessageID and the time, for every message we send. */
export function ownHeader() {
  return { source: PORTAL_SOURCE, messageId: randomUUID(), timestamp: new Date().toISOString() };
}
