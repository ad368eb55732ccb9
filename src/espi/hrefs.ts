/** Where the portal serves its ESPI REST resources, under PUBLIC_BASE_URL (src/http/espi-rest.ts). */
export const ESPI_REST_PATH = '/espi/1_1/resource';

/**
 * Hrefs are compared by path only: real files mix absolute URLs, host-relative paths and trailing slashes for the
 * same resource, and the host says nothing about which entry is meant within one file.
 */
export function normalizeHref(href: string): string {
  let h = href.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  h = h
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .replace(/\/{2,}/g, '/');
  return h.startsWith('/') ? h : `/${h}`;
}

/** The member's parent resource, if the href names a `…/Parent/<id>/<Collection>[/<id>]`. */
export function parentOf(href: string, collection: string): string | undefined {
  const segments = href.split('/');
  const last = segments.length - 1;
  if (segments[last] === collection) return segments.slice(0, last).join('/') || undefined;
  if (last >= 1 && segments[last - 1] === collection) return segments.slice(0, last - 1).join('/') || undefined;
  return undefined;
}

/** The collection an href belongs to (`…/MeterReading/01` → `…/MeterReading`). */
export function collectionOf(href: string): string {
  const i = href.lastIndexOf('/');
  return i > 0 ? href.slice(0, i) : href;
}
