import type { ReadingTypeFields } from '../espi/records';
import { scaledDecimal } from '../espi/reading-type';
import { formatDateTime } from './date-time';
import { intervalPeriodOf, intervalStart } from './interval-period';
import { GET_METER_READINGS_NS, MESSAGE_NS, METER_READINGS_NS, SOAP_11_NS, SOAP_12_NS } from './namespaces';
import { encodeReadingTypeMrid } from './reading-type-mrid';
import { CimError, CimHeader, CimId, CimObjectRef, CimReply, CimRequest, MessageKind, NameValue } from './records';

type Many<T> = Iterable<T> | AsyncIterable<T>;

export interface OutgoingReading {
  start: number;
  duration: number;
  /** Raw integer in the block's reading type (unit × 10^powerOfTenMultiplier); absent for a missing value. */
  value?: number;
  cimQualities?: string[];
}

export interface OutgoingBlock {
  /** Our reading type: ESPI fields, `powerOfTenMultiplier` applying to the raw values. */
  readingType: ReadingTypeFields;
  readings: Many<OutgoingReading>;
}

export interface OutgoingRegister {
  readingType: ReadingTypeFields;
  timeStamp: number;
  value?: number;
  cimQualities?: string[];
}

export interface OutgoingMeterReading {
  meter?: CimObjectRef;
  usagePoint?: CimObjectRef;
  valuesInterval?: { start?: number; end?: number };
  blocks?: Many<OutgoingBlock>;
  registers?: OutgoingRegister[];
}

export interface OutgoingMessage {
  kind: MessageKind;
  /** Required except in a FaultMessage. */
  header?: CimHeader;
  request?: CimRequest;
  /** Required in a ResponseMessage and a FaultMessage. */
  reply?: CimReply;
  meterReadings?: Many<OutgoingMeterReading>;
  soap?: '1.1' | '1.2';
}

export interface CimWriterOptions {
  /** Decimal places written: raw 2147 Wh at multiplier 0 goes out as "2.147" in a kWh (×10^3) ReadingType. Default 3, as the reader. */
  valueDecimals?: number;
  /** UTC offset of the timestamps written, in minutes east; default 0 ("Z"). */
  offsetMinutes?: number;
  /** Display name of a ReadingType definition (Names/name is mandatory in the 2013 profile); default the mRID. */
  readingTypeName?: (mRID: string, fields: ReadingTypeFields) => string;
}

const ROOTS: Record<MessageKind, string> = {
  request: 'RequestMessage',
  response: 'ResponseMessage',
  event: 'EventMessage',
  fault: 'FaultMessage',
};
const FLUSH_AT = 64 * 1024;

/**
 * Writes a 61968-100 message as text chunks, streaming the payload from (async) iterables so a reply of any size
 * needs only one block in memory. Elements follow the XSD sequences exactly (Message.xsd Ed.1, MeterReadings.xsd
 * 61968-9:2013). The MeterReadings element redeclares its namespace so it can be cut out and validated or
 * forwarded on its own. ReadingType definitions, which the schema puts after all MeterReadings, are written from
 * the types the blocks used.
 */
export async function* writeCimMessage(
  message: OutgoingMessage,
  options: CimWriterOptions = {},
): AsyncGenerator<string> {
  const w = new XmlText();
  const decimals = options.valueDecimals ?? 3;
  const offset = options.offsetMinutes ?? 0;
  const time = (epoch: number) => formatDateTime(epoch, offset);
  const root = ROOTS[message.kind];
  if (message.kind !== 'fault' && !message.header) throw new Error(`a ${root} needs a Header`);
  if ((message.kind === 'response' || message.kind === 'fault') && !message.reply)
    throw new Error(`a ${root} needs a Reply`);

  if (message.soap) {
    const soapNs = message.soap === '1.1' ? SOAP_11_NS : SOAP_12_NS;
    w.raw(`<soap:Envelope xmlns:soap="${soapNs}"><soap:Body>`);
  } else w.raw('<?xml version="1.0" encoding="UTF-8"?>\n');
  w.raw(`<${root} xmlns="${MESSAGE_NS}">`);
  if (message.header) writeHeader(w, message.header);
  if (message.request && message.kind === 'request') writeRequest(w, message.request, time);
  if (message.reply) writeReply(w, message.reply);
  if (message.meterReadings && message.kind !== 'fault') {
    w.raw(`<Payload><MeterReadings xmlns="${METER_READINGS_NS}">`);
    const typesUsed = new Map<string, ReadingTypeFields>();
    const cimType = (rt: ReadingTypeFields) => {
      const fields = { ...rt, powerOfTenMultiplier: (rt.powerOfTenMultiplier ?? 0) + decimals };
      const mRID = encodeReadingTypeMrid(fields);
      typesUsed.set(mRID, fields);
      return mRID;
    };
    const value = (raw: number | undefined) => (raw === undefined ? undefined : scaledDecimal(raw, -decimals));
    for await (const mr of message.meterReadings) {
      w.raw('<MeterReading>');
      for await (const block of mr.blocks ?? []) {
        const period = intervalPeriodOf(block.readingType);
        w.raw('<IntervalBlocks>');
        for await (const r of block.readings) {
          const end = r.start + r.duration;
          // Times and decimals are digits and punctuation only: nothing to escape, one string per reading.
          const v = value(r.value);
          w.raw(
            v === undefined
              ? `<IntervalReadings><timeStamp>${time(end)}</timeStamp>`
              : `<IntervalReadings><timeStamp>${time(end)}</timeStamp><value>${v}</value>`,
          );
          writeQualities(w, r.cimQualities);
          // The reader places a reading from its end and the type's period; say so explicitly when that would not fit.
          if (!period || intervalStart(end, offset, period) !== r.start)
            writeInterval(w, 'timePeriod', { start: r.start, end }, time);
          w.raw('</IntervalReadings>');
          if (w.size >= FLUSH_AT) yield w.take();
        }
        w.raw(`<ReadingType ref="${escape(cimType(block.readingType))}"/></IntervalBlocks>`);
      }
      if (mr.meter) writeObject(w, 'Meter', mr.meter);
      for (const r of mr.registers ?? []) {
        w.raw('<Readings>');
        w.element('timeStamp', time(r.timeStamp));
        w.element('value', value(r.value));
        writeQualities(w, r.cimQualities);
        w.raw(`<ReadingType ref="${escape(cimType(r.readingType))}"/></Readings>`);
      }
      if (mr.usagePoint) writeObject(w, 'UsagePoint', mr.usagePoint);
      if (mr.valuesInterval) writeInterval(w, 'valuesInterval', mr.valuesInterval, time);
      w.raw('</MeterReading>');
      if (w.size >= FLUSH_AT) yield w.take();
    }
    for (const [mRID, fields] of typesUsed)
      writeReadingType(w, mRID, fields, options.readingTypeName?.(mRID, fields) ?? mRID);
    w.raw('</MeterReadings></Payload>');
  }
  w.raw(`</${root}>`);
  if (message.soap) w.raw('</soap:Body></soap:Envelope>');
  yield w.take();
}

/** The whole message as one string: for small replies and tests. */
export async function writeCimMessageText(message: OutgoingMessage, options?: CimWriterOptions): Promise<string> {
  let text = '';
  for await (const chunk of writeCimMessage(message, options)) text += chunk;
  return text;
}

function writeHeader(w: XmlText, h: CimHeader): void {
  w.raw('<Header>');
  w.element('Verb', h.verb);
  w.element('Noun', h.noun);
  w.element('Revision', h.revision);
  w.element('Context', h.context);
  w.element('Timestamp', h.timestamp);
  w.element('Source', h.source);
  w.element('AsyncReplyFlag', h.asyncReplyFlag?.toString());
  w.element('ReplyAddress', h.replyAddress);
  w.element('AckRequired', h.ackRequired?.toString());
  if (h.user) {
    w.raw('<User>');
    w.element('UserID', h.user.userId);
    w.element('Organization', h.user.organization);
    w.raw('</User>');
  }
  w.element('MessageID', h.messageId);
  w.element('CorrelationID', h.correlationId);
  w.element('Comment', h.comment);
  writeNameValues(w, 'Property', h.properties, 'Name', 'Value');
  w.raw('</Header>');
}

function writeRequest(w: XmlText, r: CimRequest, time: (epoch: number) => string): void {
  w.raw('<Request>');
  w.element('StartTime', r.startTime === undefined ? undefined : time(r.startTime));
  w.element('EndTime', r.endTime === undefined ? undefined : time(r.endTime));
  writeNameValues(w, 'Option', r.options, 'name', 'value');
  for (const id of r.ids ?? []) writeId(w, 'ID', id);
  const get = r.getMeterReadings;
  if (get) {
    // Element order of the GetMeterReadings profile: EndDevice, ReadingType, TimeSchedule, UsagePoint.
    w.raw(`<GetMeterReadings xmlns="${GET_METER_READINGS_NS}">`);
    for (const d of get.endDevices) writeObject(w, 'EndDevice', d);
    for (const mRID of get.readingTypes) writeObject(w, 'ReadingType', { mRID });
    for (const p of get.periods) {
      w.raw('<TimeSchedule>');
      writeInterval(w, 'scheduleInterval', p, time);
      w.raw('</TimeSchedule>');
    }
    for (const u of get.usagePoints) writeObject(w, 'UsagePoint', u);
    w.raw('</GetMeterReadings>');
  }
  w.raw('</Request>');
}

function writeReply(w: XmlText, r: CimReply): void {
  w.raw('<Reply>');
  w.element('Result', r.result);
  for (const e of r.errors ?? []) writeError(w, e);
  for (const id of r.ids ?? []) writeId(w, 'ID', id);
  w.raw('</Reply>');
}

function writeError(w: XmlText, e: CimError): void {
  w.raw('<Error>');
  w.element('code', e.code);
  w.element('level', e.level);
  w.element('reason', e.reason);
  w.element('details', e.details);
  w.element('xpath', e.xpath);
  if (e.id) writeId(w, 'ID', e.id);
  if (e.relatedId) writeId(w, 'relatedID', e.relatedId);
  w.raw('</Error>');
}

function writeId(w: XmlText, name: string, id: CimId): void {
  const atts = (['idType', 'idAuthority', 'kind', 'objectType'] as const)
    .filter((a) => id[a] !== undefined)
    .map((a) => ` ${a}="${escape(id[a] as string)}"`)
    .join('');
  w.raw(`<${name}${atts}>${escape(id.value)}</${name}>`);
}

function writeNameValues(
  w: XmlText,
  element: string,
  list: NameValue[] | undefined,
  nameField: string,
  valueField: string,
): void {
  for (const p of list ?? []) {
    w.raw(`<${element}>`);
    w.element(nameField, p.name);
    w.element(valueField, p.value);
    w.raw(`</${element}>`);
  }
}

function writeObject(w: XmlText, element: string, ref: CimObjectRef): void {
  w.raw(`<${element}>`);
  w.element('mRID', ref.mRID);
  for (const n of ref.names ?? []) {
    w.raw('<Names>');
    w.element('name', n.name);
    if (n.nameType !== undefined) {
      w.raw('<NameType>');
      w.element('name', n.nameType);
      w.raw('</NameType>');
    }
    w.raw('</Names>');
  }
  w.raw(`</${element}>`);
}

/** DateTimeInterval: the schema orders `end` before `start`. */
function writeInterval(
  w: XmlText,
  element: string,
  i: { start?: number; end?: number },
  time: (epoch: number) => string,
): void {
  w.raw(`<${element}>`);
  w.element('end', i.end === undefined ? undefined : time(i.end));
  w.element('start', i.start === undefined ? undefined : time(i.start));
  w.raw(`</${element}>`);
}

function writeQualities(w: XmlText, refs: string[] | undefined): void {
  for (const ref of refs ?? [])
    w.raw(`<ReadingQualities><ReadingQualityType ref="${escape(ref)}"/></ReadingQualities>`);
}

/**
 * The mRID carries every code; of the descriptive fields only the integers are repeated, since the profile
 * leaves the label vocabulary (Connexo writes "Delta data", "*10^3") to the implementation.
 */
function writeReadingType(w: XmlText, mRID: string, rt: ReadingTypeFields, name: string): void {
  w.raw('<ReadingType>');
  w.element('mRID', mRID);
  w.element('consumptionTier', String(rt.consumptionTier ?? 0));
  w.element('cpp', String(rt.cpp ?? 0));
  w.element('tou', String(rt.tou ?? 0));
  for (const [element, ratio] of [
    ['argument', rt.argument],
    ['interharmonic', rt.interharmonic],
  ] as const) {
    w.raw(`<${element}>`);
    w.element('denominator', String(ratio?.denominator ?? 0));
    w.element('numerator', String(ratio?.numerator ?? 0));
    w.raw(`</${element}>`);
  }
  w.raw('<Names>');
  w.element('name', name);
  w.raw('</Names></ReadingType>');
}

class XmlText {
  // String concatenation (V8 ropes), flattened once per chunk: cheaper than an array of small parts joined.
  private text = '';

  get size(): number {
    return this.text.length;
  }

  raw(text: string): void {
    this.text += text;
  }

  /** An optional simple element: nothing at all when the value is absent. */
  element(name: string, value: string | undefined): void {
    if (value !== undefined) this.raw(`<${name}>${escape(value)}</${name}>`);
  }

  take(): string {
    const text = this.text;
    this.text = '';
    return text;
  }
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}
