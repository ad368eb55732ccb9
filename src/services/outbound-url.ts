// Addresses the portal posts to on someone's say-so (a CIM ReplyAddress, a webhook endpoint): only under URLs the
// operator allowed, or a sender could make the portal post to any host its network reaches, internal services included.

// An encoded ".", "/", backslash or "%" in the path: a receiver that decodes it could read a path outside the allowed
// one.
const ENCODED_PATH_SYNTAX = /%(2e|2f|5c|25)/i;

/**
 * An address we may post to: http(s), under one of the allowed URLs (same origin, path below it once dot segments
 * are resolved, nothing encoded that could add more), and no credentials of the sender's choosing.
 */
export function allowedUrl(address: string | undefined, allowed: readonly URL[]): URL | undefined {
  const url = httpUrl(address);
  if (!url || url.username || url.password || ENCODED_PATH_SYNTAX.test(url.pathname)) return undefined;
  const under = (base: URL) =>
    url.origin === base.origin &&
    (url.pathname === base.pathname ||
      url.pathname.startsWith(base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`));
  return allowed.some(under) ? url : undefined;
}

export function httpUrl(address: string | undefined): URL | undefined {
  if (!address) return undefined;
  try {
    const url = new URL(address);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
