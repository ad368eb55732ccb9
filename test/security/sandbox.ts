import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { waitFor } from '../support/wait-for';
import type { RawAnswer } from '../support/raw-request';

/** Every hostile request is answered within this: seconds, not the minutes an expanding or hanging request takes. */
export const TIME_BOUND_MS = 5_000;

/**
 * The directories a request could leave something in: INBOX_DIR (with .cim/ and held/), OUTBOX_DIR, and the
 * temporary directory where imports spill (TMPDIR, set here for this test process).
 */
export interface Sandbox {
  env: Record<string, string>;
  inbox: string;
  /** Takes what the system made at its start (e.g. the queue dashboard's views in TMPDIR) as the baseline. */
  started(): void;
  /** Every file in those directories that was not there at the start, relative to the sandbox. */
  leftovers(): string[];
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'abuse-'));
  const dirs = { inbox: join(root, 'inbox'), outbox: join(root, 'outbox'), tmp: join(root, 'tmp') };
  mkdirSync(dirs.tmp);
  process.env.TMPDIR = dirs.tmp;
  // The whole sandbox: a file that escaped the inbox lands beside it.
  const files = () => filesUnder(root).map((path) => relative(root, path));
  let baseline = new Set<string>();
  return {
    // No scheduled scan: a file left in the inbox must stay there to be seen.
    env: { INBOX_DIR: dirs.inbox, OUTBOX_DIR: dirs.outbox, INBOX_SCAN_CRON: '0 0 1 1 *' },
    inbox: dirs.inbox,
    started: () => void (baseline = new Set(files())),
    leftovers: () => files().filter((path) => !baseline.has(path)),
  };
}

/** An answer: its status, within the time bound, and nothing left on disk once it has arrived. */
export function assertAnswered(answer: RawAnswer, status: number, box: Sandbox, what: string): void {
  assert.equal(answer.status, status, `${what}: ${answer.text.slice(0, 300)}`);
  assert.ok(answer.ms < TIME_BOUND_MS, `${what}: answered in ${answer.ms} ms`);
  assert.deepEqual(box.leftovers(), [], `${what}: nothing left on disk`);
}

/** A client that sends part of a body, waits until the server has written something, and goes away: nothing may stay. */
export async function cutOffMidBody(
  url: string,
  method: string,
  headers: Record<string, string>,
  part: Buffer,
  box: Sandbox,
): Promise<void> {
  const req = request(url, { method, headers });
  req.on('error', () => undefined);
  req.write(part);
  await waitFor('the body to reach the disk', () => box.leftovers().length > 0, TIME_BOUND_MS);
  req.destroy();
  await waitFor('what it wrote to be removed', () => box.leftovers().length === 0, TIME_BOUND_MS);
}

/** A loopback HTTP server that records every request it gets, to show that none was made. */
export interface Listener {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function listener(): Promise<Listener> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
