import type { Diagnostic } from '../../espi';
import type { StagingWriter } from './staging';
import type { Linked } from './staged-file';
import type { upsertReadings } from './readings';
import type { ImportResult } from './types';

/** What the readings' upsert counted. */
export type ReadingCounts = Awaited<ReturnType<typeof upsertReadings>>;

/** The result of a load before any step ran: loaded, nothing written. */
export function emptyResult(path: string, checksum: string): ImportResult {
  return {
    file: path,
    status: 'loaded',
    batchId: null,
    checksum,
    usagePoints: 0,
    meterReadings: 0,
    readings: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    warnings: [],
    errors: [],
    timings: {},
  };
}

const describe = (d: Diagnostic) => `${d.code}: ${d.message}${d.line ? ` (line ${d.line})` : ''}`;

/** The parse's diagnostics as the result's errors and warnings. */
export function addDiagnostics(result: ImportResult, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) (d.severity === 'error' ? result.errors : result.warnings).push(describe(d));
}

/** The written series and readings, in the result's counts. */
export function addCounts(result: ImportResult, linked: Linked, counts: ReadingCounts, writer: StagingWriter): void {
  result.usagePoints = linked.usagePoints;
  result.meterReadings = linked.meterReadings;
  result.readings = counts.staged - counts.dropped;
  result.inserted = counts.inserted;
  result.updated = counts.updated;
  result.unchanged = result.readings - counts.inserted - counts.updated;
  result.rejected = counts.dropped + writer.withoutValue;
}
