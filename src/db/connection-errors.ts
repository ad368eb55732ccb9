// Turns driver errors into one line that names what to fix, instead of a stack trace.
export function describeConnectionError(error: unknown, what: string, url: string): string {
  const err = error as NodeJS.ErrnoException & { code?: string };
  let where = url;
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname}:${parsed.port || (parsed.protocol.startsWith('redis') ? 6379 : 5432)}${parsed.pathname}`;
  } catch {
    // keep the raw value: the config validation already rejected malformed URLs
  }
  switch (err.code) {
    case 'ECONNREFUSED':
      return `${what}: cannot connect to ${where}: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${what}: cannot resolve host of ${where}`;
    case 'ETIMEDOUT':
      return `${what}: connection to ${where} timed out`;
    case '28P01':
    case '28000':
      return `${what}: authentication failed for ${where}`;
    case '3D000':
      return `${what}: database does not exist at ${where}`;
    default:
      return `${what}: ${where}: ${err.message ?? String(error)}`;
  }
}
