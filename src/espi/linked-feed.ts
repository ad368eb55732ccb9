import type { Diagnostic } from '../xml/diagnostics';
import type { ReaderEvent } from './atom-reader';
import type { BlockOwners } from './block-owners';
import type { Flow } from './reading-type';
import type {
  BlockInfo,
  EntryInfo,
  EspiIntervalReading,
  EspiRecord,
  ReadingTypeFields,
  UsageSummaryFields,
} from './records';
import type { LtpFields, TimeZone } from './time-zone';
import type { ZoneSource } from './usage-point-zone';

// What the linker takes and gives: its options, the linked feed and the events of a parse.

export interface LinkOptions {
  /** Names the file's origin in natural keys (a data custodian, an inbox path): hrefs are unique only within one. */
  source: string;
  /** IANA zone used when a usage point has no LocalTimeParameters or a broken one. */
  fallbackZone: string;
  /**
   * The source has no LocalTimeParameters by nature (a Green Button CSV): `fallbackZone` is the usage point's
   * configured zone, its zoneSource is 'configured' and their absence is not a warning.
   */
  zoneConfigured?: boolean;
  /** Diagnostics kept per code; the rest are counted. */
  maxDiagnosticsPerCode?: number;
  /** Finished blocks kept in memory until their owners are decided; beyond this they go to a temporary file. */
  spillMemoryBytes?: number;
  /** Where that file goes (default: the OS temp folder). */
  tempDir?: string;
}

export interface LinkedUsagePoint {
  key: string;
  href?: string;
  atomId?: string;
  title?: string;
  serviceKind?: number;
  status?: number;
  roleFlags?: string;
  tariffProfile?: string;
  zone: TimeZone;
  zoneSource: ZoneSource;
  localTimeParameters?: LtpFields;
  entry: EntryInfo;
}

export interface LinkedMeterReading {
  key: string;
  href?: string;
  usagePoint: LinkedUsagePoint;
  readingType: ReadingTypeFields;
  readingTypeHref?: string;
  flow: Flow;
  /** Accepted blocks (which ones: `LinkedFeed.blockOwner`; the blocks themselves: the `block` events). */
  blockCount: number;
  readingCount: number;
  /** Sum of raw values (× 10^powerOfTenMultiplier in the unit); bigint because a long series can pass 2^53. */
  valueTotal: bigint;
  costTotal: bigint;
  firstStart?: number;
  lastEnd?: number;
  entry: EntryInfo;
}

export interface LinkedSummary {
  type: 'UsageSummary' | 'ElectricPowerUsageSummary';
  usagePoint?: LinkedUsagePoint;
  fields: UsageSummaryFields;
  entry: EntryInfo;
}

export type EspiCustomerRecord = Extract<EspiRecord, { type: 'CustomerEntity' }>;

export interface LinkedFeed {
  source: string;
  usagePoints: LinkedUsagePoint[];
  meterReadings: LinkedMeterReading[];
  summaries: LinkedSummary[];
  customers: EspiCustomerRecord[];
  /**
   * A ServiceLocation's UsagePoints refs resolved to usage points of the same file (by href, or by atom:id).
   * Customer and usage feeds usually come apart: refs to usage points not in the file are left to the loader.
   */
  serviceLocationUsagePoints: { serviceLocation: EspiCustomerRecord; usagePoint: LinkedUsagePoint }[];
  localTimeParameters: Extract<EspiRecord, { type: 'LocalTimeParameters' }>[];
  /** Reading types no meter reading refers to (a ReadingType collection feed, for instance). */
  unusedReadingTypes: Extract<EspiRecord, { type: 'ReadingType' }>[];
  /** Owner of each accepted block, by block ordinal; a block absent here was rejected and its readings must be dropped. */
  blockOwner: BlockOwners<LinkedMeterReading>;
  /** What the linker held for the blocks: bounded in memory whatever the file size. */
  pending: PendingStats;
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** True when the whole file is rejected (nothing in it may be loaded). */
  fileRejected: boolean;
}

export interface PendingStats {
  /** Blocks that waited for the end of the file as rows, and their bytes. */
  spilledBlocks: number;
  spilledBytes: number;
  /** The rows went past `spillMemoryBytes` into a temporary file (removed since). */
  spilledToDisk: boolean;
  /** Most blocks whose readings were streaming at once. */
  peakOpenBlocks: number;
  /** Ranges and hrefs held for the repeated-self-link check of blocks. */
  blockHrefsHeld: number;
}

/**
 * Events of a parse: readings as parsed (keyed by block), each block once its entry has closed, diagnostics as
 * found, and the linked feed last.
 */
export type ParseEvent =
  | { type: 'readings'; block: BlockInfo; readings: EspiIntervalReading[] }
  | { type: 'block'; block: BlockInfo }
  | { type: 'diagnostic'; diagnostic: Diagnostic }
  | { type: 'linked'; feed: LinkedFeed };

/** One of the reader's records of an entry (anything but readings and diagnostics). */
export type EntryRecord = Exclude<ReaderEvent, { type: 'Readings' | 'Diagnostic' }>;

/** The reader's record of one type. */
export type RecordOf<T extends EspiRecord['type']> = Extract<EspiRecord, { type: T }>;
