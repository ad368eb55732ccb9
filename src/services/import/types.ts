import type { Logger } from '../../logger';
import type { UnknownObject } from '../../cim';
import type { ImportSource } from '../../entities';

export interface ImportProgress {
  /** Readings parsed and staged so far. */
  readings: number;
  /** Bytes of the file read so far, and its size. */
  bytes: number;
  total: number;
  phase: 'parse' | 'write' | 'done';
}

export interface ImportFileOptions {
  path: string;
  source: ImportSource;
  /** Reload a file whose checksum was already loaded (recorded as a forced batch). */
  force?: boolean;
  /** Parse, link and compute what would change, then roll everything back. */
  dryRun?: boolean;
  /** IANA zone for usage points without usable LocalTimeParameters. */
  fallbackZone?: string;
  /** Natural-key namespace of the file's usage points (a data custodian): the same file from two paths must match. */
  sourceSystem?: string;
  jobId?: string;
  /**
   * Bytes of parsed readings kept in memory until linking decides their owners (default 16 MiB); the rest wait in
   * a temporary file under `tempDir` (default the OS's), removed when the load ends.
   */
  spillMemoryBytes?: number;
  tempDir?: string;
  logger: Logger;
  onProgress?: (progress: ImportProgress) => void;
}

export type ImportFileStatus = 'loaded' | 'rejected' | 'dry-run';

/** The CLI contract's per-file object (DESIGN.md), plus the batch and checksum for callers that need them. */
export interface ImportResult {
  file: string;
  status: ImportFileStatus;
  batchId: string | null;
  checksum: string;
  usagePoints: number;
  meterReadings: number;
  readings: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  warnings: string[];
  errors: string[];
  /** CIM objects the message names that the portal does not know (their readings were not loaded): the PARTIAL reply's Errors. */
  unknown?: UnknownObject[];
  /** Series of a first load whose daily rollups were summed from the staged blocks instead of read back. */
  blockRollups?: number;
  /** Blocks a reload of the same file left unstaged: their stored digest showed the readings already there (counted unchanged). */
  skippedBlocks?: number;
  /** Milliseconds per phase. */
  timings: Record<string, number>;
}

/**
 * A file's outcome as the CLI contract prints it (the import and extract commands' per-file object, DESIGN.md), plus
 * the batch id, the count of readings dropped and the phases' ms.
 */
export type FileOutcome = Pick<
  ImportResult,
  | 'file'
  | 'status'
  | 'batchId'
  | 'usagePoints'
  | 'meterReadings'
  | 'readings'
  | 'inserted'
  | 'updated'
  | 'unchanged'
  | 'rejected'
  | 'warnings'
  | 'errors'
  | 'timings'
>;

export function fileOutcome(r: ImportResult): FileOutcome {
  return {
    file: r.file,
    status: r.status,
    batchId: r.batchId,
    usagePoints: r.usagePoints,
    meterReadings: r.meterReadings,
    readings: r.readings,
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    rejected: r.rejected,
    warnings: r.warnings,
    errors: r.errors,
    timings: r.timings,
  };
}
