import type { Writable } from 'node:stream';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { AccessScope } from '../access/access-scope';
import {
  EspiUsageFeedWriter,
  uuidV5,
  type LtpFields,
  type MeterReadingRef,
  type EspiUsagePointRecord,
  type UsagePointRef,
} from '../../espi';
import {
  dayPage,
  readingPages,
  seriesRows,
  summaryRows,
  useZone,
  usagePointRows,
  type ExportReading,
  type RangeFilter,
  type ExportedUsagePointRow,
} from './queries';
import { withSnapshot } from './snapshot';

/** Hrefs of what the portal writes start here unless the caller names its own (the REST resources use their origin). */
export const DEFAULT_EXPORT_BASE_URL = 'https://usage-portal.invalid/espi/1_1/resource';

export interface UsageExportRequest extends RangeFilter {
  /** Database ids of the usage points, already authorised (see `resolveExportTargets`). */
  usagePointIds: readonly string[];
  /** Who the export is for: what it may show of personal data (OPS: no usage point names). */
  scope: AccessScope;
  baseUrl?: string;
  /** Epoch seconds written as published/updated: the only bytes that differ between two exports of the same data. */
  generatedAt?: number;
  /** Which parts to write; all by default. The REST resources write one level each. */
  parts?: { usagePoints?: boolean; meterReadings?: boolean; intervalBlocks?: boolean; summaries?: boolean };
  /** Only this series (database id of the meter reading). */
  meterReadingId?: string;
  /** Page of each usage point's series, in the export's order (start-index / max-results of the MeterReading resource). */
  seriesPage?: { offset: number; limit: number };
  /** Page of local days of interval blocks (start-index / max-results of the IntervalBlock resource). */
  dayPage?: { offset: number; limit: number };
  title?: string;
  /** Rows per keyset page (default PAGE_ROWS): memory per export is about one page. */
  pageRows?: number;
}

export interface ExportStats {
  usagePoints: number;
  meterReadings: number;
  intervalBlocks: number;
  readings: number;
  summaries: number;
}

const emptyStats = (): ExportStats => ({
  usagePoints: 0,
  meterReadings: 0,
  intervalBlocks: 0,
  readings: 0,
  summaries: 0,
});

const hexRule = (rule: string | null) => (rule === null ? undefined : Number.parseInt(rule, 16));

/** The LocalTimeParameters the usage point was loaded with, when it had complete ones. */
function storedLtp(up: ExportedUsagePointRow): LtpFields | undefined {
  const start = hexRule(up.dstStartRule);
  const end = hexRule(up.dstEndRule);
  if (up.tzOffset === null || up.dstOffset === null || start === undefined || end === undefined) return undefined;
  return { tzOffset: up.tzOffset, dstOffset: up.dstOffset, dstStartRule: start, dstEndRule: end };
}

/** A usage point loaded by its href keeps it; one known by an atom id alone gets an href from the export's key. */
export function usagePointRecord(up: ExportedUsagePointRow, baseUrl: string): EspiUsagePointRecord {
  const record: EspiUsagePointRecord = {
    key: up.externalId,
    title: up.name ?? undefined,
    serviceKind: up.serviceKind,
    status: up.status ?? undefined,
    roleFlags: up.roleFlags ?? undefined,
    tariffProfile: up.tariffProfile,
    localTimeParameters: storedLtp(up),
    zone: { name: up.timeZone },
  };
  if (up.externalId.startsWith('/')) record.self = `${new URL(baseUrl).origin}${up.externalId}`;
  return record;
}

/** Feed id and subscription href from the usage points and range alone: two exports of one request share them. */
function feedKey(ups: ExportedUsagePointRow[], range: RangeFilter): string {
  return `export|${ups.map((u) => u.externalId).join(',')}|${range.from?.toISOString() ?? ''}|${range.to?.toISOString() ?? ''}`;
}

/** The year whose DST rules describe a usage point known only by its zone: that of the range, so re-exports agree. */
function zoneYear(range: RangeFilter, generatedAt: number): number {
  return (range.from ?? range.to ?? new Date(generatedAt * 1000)).getUTCFullYear();
}

/**
 * Streams an ESPI usage feed of the usage points for `[from, to)`: each usage point with its LocalTimeParameters,
 * its meter readings and their reading types, one IntervalBlock per local day of each series (in the usage point's
 * zone), and the usage summaries whose billing period overlaps the range. Readings come from the database in keyset
 * pages inside one snapshot, and the writer waits whenever `out` pushes back, so memory stays flat for any range.
 * A plain function: the HTTP download, the REST resources, the CLI and other adapters call it the same way.
 */
export async function writeUsageFeed(db: DataSource, request: UsageExportRequest, out: Writable): Promise<ExportStats> {
  const baseUrl = request.baseUrl ?? DEFAULT_EXPORT_BASE_URL;
  const generatedAt = request.generatedAt ?? Math.floor(Date.now() / 1000);
  const parts = { usagePoints: true, meterReadings: true, intervalBlocks: true, summaries: true, ...request.parts };
  return withSnapshot(db, async (client) => {
    const ups = await usagePointRows(client, request.usagePointIds, request.scope);
    const writer = new EspiUsageFeedWriter(out, {
      baseUrl,
      feedKey: feedKey(ups, request),
      generatedAt,
      zoneYear: zoneYear(request, generatedAt),
      title: request.title,
    });
    const stats = emptyStats();
    for (const up of ups) {
      await useZone(client, up.timeZone);
      const record = usagePointRecord(up, baseUrl);
      const upRef = parts.usagePoints ? await writer.usagePoint(record) : writer.usagePointRef(record);
      stats.usagePoints++;
      const all = await seriesRows(client, up.id, request.meterReadingId);
      const page = request.seriesPage
        ? all.slice(request.seriesPage.offset, request.seriesPage.offset + request.seriesPage.limit)
        : all;
      for (const series of page) {
        const key = `${up.externalId}|${series.signature}`;
        const mrRef = parts.meterReadings
          ? await writer.meterReading(upRef, { key, readingType: series.readingType })
          : writer.meterReadingRef(upRef, key);
        stats.meterReadings++;
        if (parts.intervalBlocks) await writeBlocks(client, writer, mrRef, up.id, series.id, request, stats);
      }
      if (parts.summaries) await writeSummaries(client, writer, upRef, up.id, request, stats);
    }
    await writer.end();
    return stats;
  });
}

async function writeBlocks(
  client: PoolClient,
  writer: EspiUsageFeedWriter,
  mr: MeterReadingRef,
  upId: string,
  mrId: string,
  request: UsageExportRequest,
  stats: ExportStats,
) {
  let range: RangeFilter | undefined = request;
  if (request.dayPage) {
    const page = await dayPage(client, mrId, upId, request, request.dayPage.offset, request.dayPage.limit);
    range = page && { ...request, ...page };
  }
  if (!range) return;
  let day: ExportReading[] = [];
  const flush = async () => {
    if (day.length === 0) return;
    const first = day[0].start;
    const last = day[day.length - 1];
    await writer.intervalBlock(mr, {
      interval: { start: first, duration: last.start + last.duration - first },
      readings: day,
    });
    stats.intervalBlocks++;
    stats.readings += day.length;
    day = [];
  };
  for await (const page of readingPages(client, upId, mrId, range, false, request.pageRows)) {
    for (const reading of page) {
      if (day.length && reading.day !== day[0].day) await flush();
      day.push(reading);
    }
  }
  await flush();
}

async function writeSummaries(
  client: PoolClient,
  writer: EspiUsageFeedWriter,
  up: UsagePointRef,
  upId: string,
  range: RangeFilter,
  stats: ExportStats,
) {
  for (const s of await summaryRows(client, upId, range)) {
    // An href it was loaded by is kept, so that loading the export back updates the same summary row.
    const self = s.externalId && /^(https?:\/\/|\/)/.test(s.externalId) ? s.externalId : undefined;
    await writer.usageSummary(up, { type: 'UsageSummary', fields: s.fields, self });
    stats.summaries++;
  }
}

/** A file name for the export: the usage point's (or customer's) key hashed, and the local range. */
export function exportFileName(
  kind: string,
  targetKey: string,
  from: Date | undefined,
  to: Date | undefined,
  extension: string,
): string {
  const day = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : 'all');
  return `green-button-${kind}-${uuidV5(targetKey).slice(0, 8)}-${day(from)}-to-${day(to)}.${extension}`;
}
