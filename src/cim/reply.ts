import { CimMessageError } from './message-error';
import type { OutgoingMessage } from './message-writer';
import { CimError, CimHeader, CimId, CimReply } from './records';

/**
 * 61968-100 Ed.1 reply codes "category.detail" used here (categories: 0 OK, 1 bad or missing element,
 * 2 invalid parameter, 3 too many, 4 aborted, 5 application error, 6 business rule, 7 security).
 */
export const REPLY_CODES: Readonly<Record<string, string>> = {
  '0.0': 'No errors',
  '0.1': 'Partial result (additional results conveyed in separate messages)',
  '0.2': 'Partial result (no further results to follow)',
  '0.3': 'Simple acknowledgment',
  '1.5': 'Mandatory Header elements missing',
  '1.6': 'Mandatory Request elements missing',
  '1.7': 'Mandatory Payload elements missing',
  '1.8': 'Format of request does not validate against schema',
  '2.4': 'Invalid Meter(s)',
  '2.5': 'Invalid Noun',
  '2.6': 'Invalid ReadingType(s)',
  '2.9': 'Invalid Verb',
  '2.12': 'Invalid UsagePoint(s)',
  '3.1': 'Too many items in request',
  '5.3': 'Unable to process the request - transaction attempted and failed',
  '7.7': 'Policy violation',
};

export type UnknownObjectType = 'Meter' | 'EndDevice' | 'UsagePoint' | 'ReadingType';

const UNKNOWN_CODES: Record<UnknownObjectType, string> = {
  Meter: '2.4',
  EndDevice: '2.4',
  UsagePoint: '2.12',
  ReadingType: '2.6',
};

export interface UnknownObject {
  objectType: UnknownObjectType;
  /** The id as the sender gave it: mRID (kind uuid) or a name (kind name). */
  id: string;
  kind?: CimId['kind'];
  /** Where in the message, e.g. "MeterReadings/MeterReading[2]/UsagePoint"; goes into Error/details. */
  path?: string;
}

export interface ReplyOptions {
  /** Paging: more replies with the same CorrelationID follow this one (code 0.1). */
  moreToFollow?: boolean;
  ids?: CimId[];
}

export function replyOk(options: ReplyOptions = {}): CimReply {
  return finish({ result: 'OK', errors: [] }, options);
}

/** PARTIAL: everything else was processed; one Error per object we do not know, with its id so the sender can act. */
export function replyPartial(unknown: UnknownObject[], options: ReplyOptions = {}): CimReply {
  const errors = unknown.map((u): CimError => ({
    code: UNKNOWN_CODES[u.objectType],
    // FATAL for that object: none of its data was taken; the PARTIAL result says the rest was.
    level: 'FATAL',
    reason: REPLY_CODES[UNKNOWN_CODES[u.objectType]],
    details: `unknown ${u.objectType} ${u.id}${u.path ? ` at ${u.path}` : ''}`,
    xpath: u.objectType,
    id: { value: u.id, kind: u.kind ?? 'uuid', objectType: u.objectType },
  }));
  return finish({ result: 'PARTIAL', errors }, options);
}

/** FAILED with the reader's reason: the reply to any message the codec refuses. */
export function replyFailed(failure: CimMessageError | { replyCode: string; message: string }): CimReply {
  return {
    result: 'FAILED',
    errors: [
      {
        code: failure.replyCode,
        level: 'FATAL',
        reason: REPLY_CODES[failure.replyCode] ?? 'Unable to process the request',
        details: failure.message,
      },
    ],
  };
}

/** True when a received reply says more replies follow (code 0.1). */
export function moreToFollow(reply: CimReply): boolean {
  return (reply.errors ?? []).some((e) => e.code === '0.1');
}

/**
 * The Header of our answer to `request`: Verb reply, the same Noun, and CorrelationID echoing the request's
 * CorrelationID, or its MessageID when it set none (61968-100 correlates replies by either).
 */
export function replyHeader(
  request: CimHeader | undefined,
  own: { source?: string; messageId?: string; timestamp?: string } = {},
): CimHeader {
  const correlationId = request?.correlationId ?? request?.messageId;
  const header: CimHeader = { verb: 'reply', noun: request?.noun ?? 'MeterReadings', ...own };
  if (correlationId !== undefined) header.correlationId = correlationId;
  return header;
}

/**
 * What to send back for a refused message: a ResponseMessage echoing the correlation when the Header could be
 * read, otherwise the FaultMessage that 61968-100 defines for messages whose header cannot be parsed.
 */
export function failureMessage(
  failure: CimMessageError,
  own: { source?: string; messageId?: string; timestamp?: string } = {},
): OutgoingMessage {
  const reply = replyFailed(failure);
  return failure.header
    ? { kind: 'response', header: replyHeader(failure.header, own), reply }
    : { kind: 'fault', reply };
}

function finish(reply: CimReply, options: ReplyOptions): CimReply {
  const errors = reply.errors ?? [];
  if (options.moreToFollow) errors.push({ code: '0.1', level: 'INFORM', reason: REPLY_CODES['0.1'] });
  const out: CimReply = { result: reply.result };
  if (errors.length) out.errors = errors;
  if (options.ids?.length) out.ids = options.ids;
  return out;
}
