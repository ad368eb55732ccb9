import assert from 'node:assert/strict';
import {
  collectCimMessage,
  readCimMessage,
  writeCimMessageText,
  type CollectedMessage,
  type OutgoingMessage,
} from '../../src/cim';
import { meterReadingsXsd, messageXsd, payloadOf, xmllintErrors } from '../cim/support';
import { XMLLINT_MISSING } from '../support/xmllint';

export interface CimResponse {
  status: number;
  contentType: string;
  text: string;
}

export async function cimPost(
  url: string,
  body: string | Promise<string>,
  token?: string,
  headers: Record<string, string> = {},
): Promise<CimResponse> {
  const res = await fetch(`${url}/cim`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: await body,
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

export interface GetArgs {
  usagePoints?: string[];
  meters?: string[];
  readingTypes?: string[];
  from?: number;
  to?: number;
  pageSize?: number;
  continuation?: string;
  correlationId?: string;
  messageId?: string;
  soap?: '1.1' | '1.2';
  replyAddress?: string;
}

/** A `get MeterReadings` RequestMessage, written by our own codec (its writer follows the schema's order). */
export function getRequest(a: GetArgs): Promise<string> {
  const message: OutgoingMessage = {
    kind: 'request',
    soap: a.soap,
    header: {
      verb: 'get',
      noun: 'MeterReadings',
      source: 'test-mdms',
      ...(a.replyAddress ? { asyncReplyFlag: true, replyAddress: a.replyAddress } : {}),
      messageId: a.messageId ?? `get-${Math.random().toString(36).slice(2)}`,
      ...(a.correlationId ? { correlationId: a.correlationId } : {}),
    },
    request: {
      ...(a.pageSize ? { options: [{ name: 'pageSize', value: String(a.pageSize) }] } : {}),
      ...(a.continuation ? { ids: [{ value: a.continuation, idType: 'continuation' }] } : {}),
      getMeterReadings: {
        endDevices: (a.meters ?? []).map((mRID) => ({ mRID })),
        usagePoints: (a.usagePoints ?? []).map((mRID) => ({ mRID })),
        readingTypes: a.readingTypes ?? [],
        periods: a.from !== undefined || a.to !== undefined ? [{ start: a.from, end: a.to }] : [],
      },
    },
  };
  return writeCimMessageText(message);
}

export function readReply(text: string): Promise<CollectedMessage> {
  return collectCimMessage(readCimMessage([text]));
}

/**
 * Strict validation of a message we sent: the message element against the 61968-100 Message.xsd (from ../shared,
 * when present) and its MeterReadings payload, if any, against the 61968-9:2013 MeterReadings.xsd. SOAP wrappers are
 * taken off first: the schemas describe what is inside soap:Body.
 */
export function validateSent(text: string): void {
  if (XMLLINT_MISSING) return;
  const message = /<soap:Body>([\s\S]*)<\/soap:Body>/.exec(text)?.[1] ?? text;
  const xsd = messageXsd();
  if (xsd) assert.equal(xmllintErrors(message, xsd), '', 'the message against 61968-100 Message.xsd');
  if (/<(\w+:)?MeterReadings[\s>]/.test(message))
    assert.equal(xmllintErrors(payloadOf(message), meterReadingsXsd), '', 'the payload against MeterReadings.xsd');
}
