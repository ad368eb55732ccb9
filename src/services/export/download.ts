import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../auth/roles';
import { AccessScope } from '../access/access-scope';
import { InvalidInputError } from '../errors';
import { checkRange } from '../usage/usage-query';
import { readCost } from './cost';
import { writeCustomerFeed } from './customer-feed';
import { writeGreenButtonCsv } from './csv';
import { DownloadLinkError, signDownload, verifyDownload, type ExportFormat } from './download-link';
import { exportFileName, writeUsageFeed, type UsageExportRequest } from './espi-feed';
import { resolveExportTargets, visibleUsagePoints, type ExportTarget } from './targets';

/** Where the HTTP layer serves signed downloads: `${DOWNLOAD_PATH}/<token>`. */
export const DOWNLOAD_PATH = '/download';
/** Long enough to start a download from the page that asked for it, short enough that a leaked URL soon dies. */
export const DOWNLOAD_TTL_SECONDS = 15 * 60;
/** A year of quarter-hours per usage point is the largest range a download covers. */
const MAX_RANGE_MS = 367 * 86_400_000;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  espi: 'application/atom+xml; charset=utf-8',
  customer: 'application/atom+xml; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

export interface DownloadRequest extends ExportTarget {
  from: Date;
  to: Date;
  format: ExportFormat;
}

export interface IssuedDownload {
  /** Relative to the API's origin. */
  url: string;
  expiresAt: Date;
  fileName: string;
}

export interface Export {
  contentType: string;
  fileName: string;
  write(out: Writable): Promise<unknown>;
}

/** The writer of one format: usage feed, customer feed or CSV, all streaming to `out`. */
export function exportOf(db: DataSource, format: ExportFormat, request: UsageExportRequest): Export {
  const key = `${format}|${request.usagePointIds.join(',')}`;
  const extension = format === 'csv' ? 'csv' : 'xml';
  const fileName = exportFileName(
    format === 'customer' ? 'customer' : 'usage',
    key,
    request.from,
    request.to,
    extension,
  );
  const write =
    format === 'espi'
      ? (out: Writable) => writeUsageFeed(db, request, out)
      : format === 'csv'
        ? (out: Writable) => writeGreenButtonCsv(db, request, out)
        : (out: Writable) => writeCustomerFeed(db, request, out);
  return { contentType: CONTENT_TYPES[format], fileName, write };
}

/**
 * Download My Data, step one: checks that the principal may read the usage points (or the customer's), and signs a
 * short-lived URL for exactly that export. Nothing is read until the URL is fetched.
 */
export async function issueDownload(
  db: DataSource,
  key: Buffer,
  principal: Principal | undefined,
  request: DownloadRequest,
): Promise<IssuedDownload> {
  const scope = AccessScope.of(principal);
  checkRange(request.from, request.to);
  if (request.to.getTime() - request.from.getTime() > MAX_RANGE_MS)
    throw new InvalidInputError('a download covers at most 367 days', 'to');
  if (request.format === 'customer' && !scope.seesPersonalData)
    throw new InvalidInputError('the customer feed holds personal data this role may not read', 'format');
  const usagePointIds = await resolveExportTargets(db, scope, request);
  const expiresAt = Math.floor(Date.now() / 1000) + DOWNLOAD_TTL_SECONDS;
  const token = signDownload(key, {
    usagePointIds,
    from: request.from,
    to: request.to,
    format: request.format,
    expiresAt,
    principal: principal as Principal,
  });
  const { fileName } = exportOf(db, request.format, { usagePointIds, from: request.from, to: request.to, scope });
  return { url: `${DOWNLOAD_PATH}/${token}`, expiresAt: new Date(expiresAt * 1000), fileName };
}

export interface OpenedDownload {
  export: Export;
  /** Whose budget the download is charged to. */
  principal: Principal;
  /** What it costs in budget points (see `readCost`). */
  cost: number;
}

/**
 * Download My Data, step two: the export a signed token grants, read as its holder may read it. The grant's principal
 * is checked again, so a usage point that changed hands since the URL was issued is not served.
 */
export async function openDownload(db: DataSource, key: Buffer, token: string): Promise<OpenedDownload> {
  const grant = verifyDownload(key, token);
  const scope = AccessScope.of(grant.principal);
  const visible = await visibleUsagePoints(db, scope, grant.usagePointIds);
  if (visible.length !== grant.usagePointIds.length)
    throw new DownloadLinkError('the download link names usage points its holder may no longer read');
  const request = { usagePointIds: grant.usagePointIds, from: grant.from, to: grant.to, scope };
  return {
    export: exportOf(db, grant.format, request),
    principal: grant.principal,
    cost: await readCost(db, { ...request, readings: grant.format !== 'customer' }),
  };
}
