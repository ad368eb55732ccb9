export { readEspiAtom } from './atom-reader';
export { ATOM_NS, ESPI_NS, CUSTOMER_NS } from './namespaces';
export type { ReaderEvent, ReaderOptions } from './atom-reader';
export { linkEspiRecords } from './linker';
export type {
  ParseEvent,
  LinkedFeed,
  LinkedMeterReading,
  LinkedUsagePoint,
  LinkedSummary,
  LinkOptions,
  EspiCustomerRecord,
  PendingStats,
} from './linked-feed';
export { BlockOwners } from './block-owners';
export { parseEspiAtom, parseEspiAtomFile, collectParsedFeed } from './parse';
export type { EspiParseOptions, CollectedFeed } from './parse';
export type { Diagnostic, Severity } from '../xml/diagnostics';
export { EspiFileError } from './diagnostics';
export * from './records';
export { flowOf, readingTypeSignature, scaledDecimal } from './reading-type';
export type { Flow } from './reading-type';
export { ianaZone, fixedZone, ltpZone, localToUtc, resolveLocalTime, dstTransitions } from './time-zone';
export type { TimeZone, LtpFields } from './time-zone';
export { decodeDstRule } from './dst-rule';
export { COMMON_ZONES } from './ltp-inference';
export type { XmlLimits } from '../xml/limits';
export type { ByteSource } from '../xml/byte-source';
export { EspiUsageFeedWriter, EspiWriteError, writeCollectedUsageFeed } from './usage-writer';
export type {
  FeedWriterOptions,
  EspiIntervalBlockRecord,
  EspiMeterReadingRecord,
  MeterReadingRef,
  EspiUsagePointRecord,
  UsagePointRef,
  EspiUsageSummaryRecord,
} from './usage-writer';
export { localTimeParametersFor } from './ltp-encode';
export { uuidV5 } from './uuid';
export { ESPI_REST_PATH, normalizeHref } from './hrefs';
export { writeBatchList } from './batch-list';
export { customerFeedRoot, EspiCustomerFeedWriter, writeCollectedCustomerFeed } from './customer-writer';
export type { CustomerEntityRecord } from './customer-writer';
export { customerAccountContent, customerContent, meterContent, serviceLocationContent } from './customer-content';
export { parseGreenButtonCsv, readGreenButtonCsv } from './csv-reader';
export type { CsvParseOptions, CsvOptions } from './csv-reader';
