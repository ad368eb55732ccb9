/**
 * A test hook for the fault suite (test/faults/, docs/faults.md): `USAGE_PORTAL_KILL_AT=name[:nth]` makes the
 * process SIGKILL itself the nth time (default the first) it reaches the fault point of that name, so a test stops it
 * at an exact step instead of guessing with timers. Unset, a fault point costs one comparison. The configuration
 * refuses it with NODE_ENV=production.
 */
let target: { name: string; nth: number } | undefined | null = null;
let reached = 0;

export function parseKillAt(value: string | undefined): { name: string; nth: number } | undefined {
  if (!value) return undefined;
  const match = /^([\w:.-]+?)(?::(\d+))?$/.exec(value);
  if (!match || match[2] === '0')
    throw new Error(`expected a fault point name with an optional ":n" (n >= 1), got "${value}"`);
  return { name: match[1], nth: match[2] ? Number(match[2]) : 1 };
}

export function faultPoint(name: string): void {
  if (target === null) target = parseKillAt(process.env.USAGE_PORTAL_KILL_AT);
  if (target?.name !== name || ++reached < target.nth) return;
  process.kill(process.pid, 'SIGKILL');
}
