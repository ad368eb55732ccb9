import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRole, type Principal } from '../../auth/roles';

export enum ExportFormat {
  ESPI_XML = 'espi',
  CSV = 'csv',
  CUSTOMER_XML = 'customer',
}
export const EXPORT_FORMATS: readonly ExportFormat[] = Object.values(ExportFormat);

/** What a signed download URL grants: one export, for one principal, until it expires. */
export interface DownloadGrant {
  /** Database ids of the usage points, as authorised when the URL was issued (checked again on download). */
  usagePointIds: string[];
  from: Date;
  to: Date;
  format: ExportFormat;
  /** Epoch seconds. */
  expiresAt: number;
  principal: Principal;
}

export class DownloadLinkError extends Error {
  override name = 'DownloadLinkError';
}

/** A link this installation signed whose time is up (410, not 403). */
export class DownloadLinkExpired extends DownloadLinkError {
  override name = 'DownloadLinkExpired';
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();

/**
 * The bytes of a base64url text, only when that text is their one canonical encoding. Node's decoder ignores the
 * spare low bits of the last character, so several texts decode to the same bytes: comparing
 * bytes alone would let an altered URL through; comparing texts alone would not be constant-time on the MAC.
 */
function canonicalBytes(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/**
 * `<payload>.<mac>`, both base64url: the payload (usage points, range, format, expiry, subject, role, customer) is
 * readable but any change to it breaks the HMAC-SHA256, so a URL cannot be stretched in time or pointed elsewhere.
 */
export function signDownload(key: Buffer, grant: DownloadGrant): string {
  const body = {
    u: grant.usagePointIds,
    f: grant.from.getTime(),
    t: grant.to.getTime(),
    x: grant.format,
    e: grant.expiresAt,
    s: grant.principal.subject,
    r: grant.principal.role,
    c: grant.principal.customerId ?? null,
  };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${sign(key, payload).toString('base64url')}`;
}

/** The grant of a token this installation signed, or a DownloadLinkError (altered, malformed or expired). */
export function verifyDownload(key: Buffer, token: string, now = Date.now() / 1000): DownloadGrant {
  const match = /^([A-Za-z0-9_-]{1,4096})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw new DownloadLinkError('not a download link');
  const expected = sign(key, match[1]);
  const given = canonicalBytes(match[2]);
  if (!given || given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new DownloadLinkError('the download link was altered or not issued here');
  // The MAC covers the payload's text itself, so that text is exactly what was signed.
  const b = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  if (
    !Array.isArray(b.u) ||
    !b.u.every((id) => typeof id === 'string' && /^\d{1,19}$/.test(id)) ||
    typeof b.f !== 'number' ||
    typeof b.t !== 'number' ||
    !EXPORT_FORMATS.includes(b.x as ExportFormat) ||
    typeof b.e !== 'number' ||
    typeof b.s !== 'string' ||
    !isRole(b.r)
  ) {
    throw new DownloadLinkError('not a download link');
  }
  if (b.e <= now) throw new DownloadLinkExpired('the download link has expired');
  return {
    usagePointIds: b.u as string[],
    from: new Date(b.f),
    to: new Date(b.t),
    format: b.x as ExportFormat,
    expiresAt: b.e,
    principal: { subject: b.s, role: b.r, customerId: typeof b.c === 'string' ? b.c : undefined },
  };
}
