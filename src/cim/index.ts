export { readCimMessage } from './message-reader';
export type { CimReaderOptions } from './message-reader';
export { readCimFile, collectCimMessage } from './collect';
export type { CollectedMessage } from './collect';
export { writeCimMessage, writeCimMessageText } from './message-writer';
export type {
  CimWriterOptions,
  OutgoingMessage,
  OutgoingMeterReading,
  OutgoingBlock,
  OutgoingReading,
  OutgoingRegister,
} from './message-writer';
export { replyOk, replyPartial, replyFailed, replyHeader, failureMessage, moreToFollow, REPLY_CODES } from './reply';
export type { UnknownObject, UnknownObjectType, ReplyOptions } from './reply';
export { CimMessageError } from './message-error';
export { decodeReadingTypeMrid, encodeReadingTypeMrid } from './reading-type-mrid';
export { intervalPeriodOf, intervalStart } from './interval-period';
export type { IntervalPeriod } from './interval-period';
export { scaleDecimal } from './decimal-value';
export { parseDateTime, formatDateTime } from './date-time';
export { espiQualityOf } from './reading-quality';
export { MESSAGE_NS, METER_READINGS_NS, GET_METER_READINGS_NS } from './namespaces';
export type { XmlLimits } from '../xml/limits';
export type { ByteSource } from '../xml/byte-source';
export * from './records';
