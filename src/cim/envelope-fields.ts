import { childOf, childrenOf, dropUndefined, textOf } from '../xml/element-tree';
import { parseDateTime } from './date-time';
import { CimMessageError } from './message-error';
import {
  CimError,
  CimHeader,
  CimId,
  CimObjectRef,
  CimReply,
  CimRequest,
  ErrorLevel,
  GetMeterReadingsFilter,
  NameValue,
  Verb,
  VERBS,
} from './records';
import { XmlNode } from './xml-node';

/** Decoding of the 61968-100 Header, Request and Reply trees. Failures throw, to be answered with FAILED. */

const ID_KINDS = new Set(['name', 'uuid', 'transaction', 'other']);
const LEVELS = new Set<string>(['INFORM', 'WARNING', 'FATAL', 'CATASTROPHIC']);
const RESULTS = new Set<string>(['OK', 'PARTIAL', 'FAILED']);

/**
 * A Header we refuse still names the message we refuse: the error carries its MessageID/CorrelationID (and Noun)
 * so the FAILED reply is correlated, with `verb` set to 'reply' as a placeholder that no reply reads.
 */
export function decodeHeader(node: XmlNode): CimHeader {
  try {
    return decodeValidHeader(node);
  } catch (error) {
    const messageId = textOf(node, 'MessageID');
    const correlationId = textOf(node, 'CorrelationID');
    if (error instanceof CimMessageError && !error.header && (messageId || correlationId)) {
      error.header = dropUndefined({
        verb: 'reply' as Verb,
        noun: textOf(node, 'Noun') ?? 'MeterReadings',
        messageId,
        correlationId,
      });
    }
    throw error;
  }
}

function decodeValidHeader(node: XmlNode): CimHeader {
  const verbText = textOf(node, 'Verb');
  if (verbText === undefined) throw new CimMessageError('verb-missing', '1.5', 'the Header has no Verb', node.line);
  if (!(VERBS as readonly string[]).includes(verbText)) {
    throw new CimMessageError('verb-invalid', '2.9', `"${verbText.slice(0, 40)}" is not a 61968-100 verb`, node.line);
  }
  const noun = textOf(node, 'Noun');
  if (noun === undefined) throw new CimMessageError('noun-missing', '1.5', 'the Header has no Noun', node.line);
  const user = childOf(node, 'User');
  const header: CimHeader = {
    verb: verbText as Verb,
    noun,
    revision: textOf(node, 'Revision'),
    context: textOf(node, 'Context'),
    timestamp: textOf(node, 'Timestamp'),
    source: textOf(node, 'Source'),
    asyncReplyFlag: booleanOf(node, 'AsyncReplyFlag'),
    replyAddress: textOf(node, 'ReplyAddress'),
    ackRequired: booleanOf(node, 'AckRequired'),
    user: user && dropUndefined({ userId: textOf(user, 'UserID') ?? '', organization: textOf(user, 'Organization') }),
    messageId: textOf(node, 'MessageID'),
    correlationId: textOf(node, 'CorrelationID'),
    comment: textOf(node, 'Comment'),
    properties: nameValues(childrenOf(node, 'Property'), 'Name', 'Value'),
  };
  return dropUndefined(header);
}

export function decodeRequest(node: XmlNode): CimRequest {
  const get = node.children.find((c) => c.name === 'GetMeterReadings');
  return dropUndefined({
    startTime: requestTime(node, 'StartTime'),
    endTime: requestTime(node, 'EndTime'),
    options: nameValues(childrenOf(node, 'Option'), 'name', 'value'),
    ids: idsOf(childrenOf(node, 'ID')),
    getMeterReadings: get && decodeGetMeterReadings(get),
  });
}

export function decodeReply(node: XmlNode): CimReply {
  const result = textOf(node, 'Result');
  if (result === undefined || !RESULTS.has(result)) {
    throw new CimMessageError(
      'reply-result-invalid',
      '1.8',
      `Reply/Result must be OK, PARTIAL or FAILED, not "${(result ?? '').slice(0, 40)}"`,
      node.line,
    );
  }
  const errors = childrenOf(node, 'Error').map(decodeError);
  return dropUndefined({
    result: result as CimReply['result'],
    errors: errors.length ? errors : undefined,
    ids: idsOf(childrenOf(node, 'ID')),
  });
}

function decodeError(node: XmlNode): CimError {
  const level = textOf(node, 'level');
  const [id] = idsOf(childrenOf(node, 'ID')) ?? [];
  const [relatedId] = idsOf(childrenOf(node, 'relatedID')) ?? [];
  return dropUndefined({
    code: textOf(node, 'code') ?? '',
    level: level !== undefined && LEVELS.has(level) ? (level as ErrorLevel) : undefined,
    reason: textOf(node, 'reason'),
    details: textOf(node, 'details'),
    xpath: textOf(node, 'xpath'),
    id,
    relatedId,
  });
}

function decodeGetMeterReadings(node: XmlNode): GetMeterReadingsFilter {
  return {
    endDevices: [...childrenOf(node, 'EndDevice'), ...childrenOf(node, 'Meter')].map(objectRefOf),
    usagePoints: childrenOf(node, 'UsagePoint').map(objectRefOf),
    readingTypes: childrenOf(node, 'ReadingType').flatMap((rt) => textOf(rt, 'mRID') ?? rt.attributes.get('ref') ?? []),
    periods: childrenOf(node, 'TimeSchedule').map((ts) => {
      const interval = childOf(ts, 'scheduleInterval');
      return dropUndefined({ start: requestTime(interval, 'start'), end: requestTime(interval, 'end') });
    }),
  };
}

/** mRID and Names of an IdentifiedObject (Meter, UsagePoint, EndDevice). */
export function objectRefOf(node: XmlNode): CimObjectRef {
  const names = childrenOf(node, 'Names').flatMap((n) => {
    const name = textOf(n, 'name');
    return name === undefined ? [] : [dropUndefined({ name, nameType: textOf(childOf(n, 'NameType'), 'name') })];
  });
  return dropUndefined({ mRID: textOf(node, 'mRID'), names: names.length ? names : undefined });
}

function requestTime(node: XmlNode | undefined, local: string): number | undefined {
  const text = textOf(node, local);
  if (text === undefined) return undefined;
  const t = parseDateTime(text);
  if (!t || t.offsetMinutes === undefined) {
    throw new CimMessageError(
      'request-time-invalid',
      '1.8',
      `${local} "${text.slice(0, 40)}" is not an xs:dateTime with a UTC offset`,
      childOf(node, local)?.line,
    );
  }
  return t.epoch;
}

function idsOf(nodes: XmlNode[]): CimId[] | undefined {
  if (nodes.length === 0) return undefined;
  return nodes.map((n) => {
    const kind = n.attributes.get('kind');
    return dropUndefined({
      value: n.text.trim(),
      idType: n.attributes.get('idType'),
      idAuthority: n.attributes.get('idAuthority'),
      kind: kind !== undefined && ID_KINDS.has(kind) ? (kind as CimId['kind']) : undefined,
      objectType: n.attributes.get('objectType'),
    });
  });
}

function nameValues(nodes: XmlNode[], nameField: string, valueField: string): NameValue[] | undefined {
  if (nodes.length === 0) return undefined;
  return nodes.map((n) => dropUndefined({ name: textOf(n, nameField) ?? '', value: textOf(n, valueField) }));
}

function booleanOf(node: XmlNode, local: string): boolean | undefined {
  const t = textOf(node, local);
  if (t === undefined) return undefined;
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw new CimMessageError(
    'header-boolean-invalid',
    '1.8',
    `${local} "${t.slice(0, 40)}" is not an xs:boolean`,
    node.line,
  );
}

/** Records compare with deepEqual in round trips, so absent fields are left out rather than set to undefined. */
