import type { Diagnostic } from '../xml/diagnostics';
import type { EspiIntervalReading, ReadingTypeFields } from '../espi/records';

/** Records of the IEC 61968-100 envelope and the 61968-9 MeterReadings payload. Times are UTC epoch seconds. */

export const VERBS = [
  'cancel',
  'canceled',
  'change',
  'changed',
  'create',
  'created',
  'close',
  'closed',
  'delete',
  'deleted',
  'get',
  'reply',
  'execute',
  'executed',
] as const;
export type Verb = (typeof VERBS)[number];

export type MessageKind = 'request' | 'response' | 'event' | 'fault';

/** `ID` elements of Request, Reply, Error and Payload, with the Ed.1 `IDatts` attributes. */
export interface CimId {
  value: string;
  idType?: string;
  idAuthority?: string;
  kind?: 'name' | 'uuid' | 'transaction' | 'other';
  objectType?: string;
}

export interface NameValue {
  name: string;
  value?: string;
}

export interface CimHeader {
  verb: Verb;
  noun: string;
  revision?: string;
  context?: string;
  /** xs:dateTime text as sent: it is only echoed and logged, never computed with. */
  timestamp?: string;
  source?: string;
  asyncReplyFlag?: boolean;
  replyAddress?: string;
  ackRequired?: boolean;
  user?: { userId: string; organization?: string };
  messageId?: string;
  correlationId?: string;
  comment?: string;
  properties?: NameValue[];
}

/** A CIM IdentifiedObject reference: mRID and/or Names (name with its NameType name). */
export interface CimObjectRef {
  mRID?: string;
  names?: { name: string; nameType?: string }[];
}

/** The GetMeterReadings request profile: which objects, reading types and periods are asked for. */
export interface GetMeterReadingsFilter {
  endDevices: CimObjectRef[];
  usagePoints: CimObjectRef[];
  /** ReadingType mRIDs. */
  readingTypes: string[];
  /** TimeSchedule/scheduleInterval, epoch seconds. */
  periods: { start?: number; end?: number }[];
}

export interface CimRequest {
  /** Epoch seconds; fractions of a second are dropped (floor) since our readings start on whole seconds. */
  startTime?: number;
  endTime?: number;
  options?: NameValue[];
  ids?: CimId[];
  getMeterReadings?: GetMeterReadingsFilter;
}

export type ReplyResult = 'OK' | 'PARTIAL' | 'FAILED';
export type ErrorLevel = 'INFORM' | 'WARNING' | 'FATAL' | 'CATASTROPHIC';

export interface CimError {
  /** 61968-100 code "category.detail", see `REPLY_CODES`. */
  code: string;
  level?: ErrorLevel;
  reason?: string;
  details?: string;
  /** Typed xs:QName by the Ed.1 schema, so only a (prefix-free) element name fits; paths go into `details`. */
  xpath?: string;
  id?: CimId;
  relatedId?: CimId;
}

export interface CimReply {
  result: ReplyResult;
  errors?: CimError[];
  ids?: CimId[];
}

export interface CimEnvelope {
  kind: MessageKind;
  /** Local name of the message element, e.g. `ResponseMessage` or Connexo's `MeterReadingsResponseMessage`. */
  rootName: string;
  soap?: '1.1' | '1.2';
  /** Absent only in a FaultMessage, which has no Header. */
  header?: CimHeader;
  request?: CimRequest;
  reply?: CimReply;
  /** Local name of the Payload's content (`MeterReadings`), if any. */
  payloadName?: string;
  /** Payload/Format, when given. */
  payloadFormat?: string;
}

/** An interval reading in the ESPI record shape (so one loader serves both), plus the CIM quality codes. */
export interface CimIntervalReading extends EspiIntervalReading {
  /** ReadingQualityType refs as sent ("system.category.subcategory", e.g. 3.7.1); `qualities` holds the ESPI codes. */
  cimQualities?: string[];
}

export interface CimBlock {
  /** Position among all IntervalBlocks of the message, from 0: what readings are staged under. */
  ordinal: number;
  readingTypeRef: string;
  /** Decoded from the ref, with `powerOfTenMultiplier` lowered by the value decimals (see README). */
  readingType: ReadingTypeFields;
  readingCount: number;
  line: number;
}

/** A register (Readings) value: a meter's reading at an instant, not an interval. */
export interface CimRegisterReading {
  readingTypeRef: string;
  readingType: ReadingTypeFields;
  timeStamp: number;
  value?: number;
  cimQualities?: string[];
  qualities?: number[];
  reason?: string;
  source?: string;
  line: number;
}

export interface CimMeterReading {
  ordinal: number;
  meter?: CimObjectRef;
  usagePoint?: CimObjectRef;
  valuesInterval?: { start?: number; end?: number };
  /** Blocks whose readings were accepted; readings of any other block must be dropped. */
  blocks: CimBlock[];
  registers: CimRegisterReading[];
  line: number;
}

export interface ReadingQualityTypeDefinition {
  mRID: string;
  category?: string;
  subCategory?: string;
  systemId?: string;
}

/** A ReadingType element of the payload: the mRID is what we use; labels are kept for display and checks. */
export interface ReadingTypeDefinition {
  mRID: string;
  fields?: ReadingTypeFields;
  name?: string;
  labels: Record<string, string>;
}

export type CimEvent =
  | { type: 'envelope'; envelope: CimEnvelope }
  | { type: 'readings'; block: CimBlock; readings: CimIntervalReading[] }
  | { type: 'meterReading'; meterReading: CimMeterReading }
  | { type: 'diagnostic'; diagnostic: Diagnostic }
  | { type: 'end'; summary: CimSummary };

export interface CimSummary {
  envelope: CimEnvelope;
  readingTypes: ReadingTypeDefinition[];
  readingQualityTypes: ReadingQualityTypeDefinition[];
  counts: {
    meterReadings: number;
    blocks: number;
    intervalReadings: number;
    registers: number;
    rejectedReadings: number;
  };
  diagnostics: Diagnostic[];
}
