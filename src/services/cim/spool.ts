import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Queue } from 'bullmq';
import { JOB_STATES, jobsIn } from '../../queue/queues';
import { asJobType } from '../ops/queue-state';

/** Where /cim pushes wait for their load: inside the inbox (the load job may run in another process), hidden from its scan. */
export const cimSpoolDir = (inboxDir: string) => join(inboxDir, '.cim');

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the message is larger than ${limit} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/** Passes a body through, counting it: past `limit` bytes it fails with BodyTooLarge. `onChunk` sees what passes. */
export function byteLimit(limit: number, onChunk: (chunk: Buffer) => void = () => undefined): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit) return done(new BodyTooLarge(limit));
      onChunk(chunk);
      done(null, chunk);
    },
  });
}

/**
 * A request body spooled to `<spool>/<uuid>.xml`. It has one owner at a time: the request, which calls dispose() in a
 * finally whatever happened (a refusal, a bad message, a fault), until a queued import job names the file and adopt()
 * hands it over; the job removes it once the load is decided. Only a process killed between the two leaves the file
 * behind, for sweepOrphanedSpool.
 */
export class SpooledBody {
  readonly path: string;
  checksum = '';
  private owned = true;

  constructor(dir: string) {
    this.path = join(dir, `${randomUUID()}.xml`);
  }

  async receive(body: Readable, limit: number): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    // Created before the first byte arrives, so a body that fails at once cannot create it after dispose() ran.
    const file = await open(this.path, 'wx', 0o640);
    const hash = createHash('sha256');
    await pipeline(
      body,
      byteLimit(limit, (chunk) => hash.update(chunk)),
      file.createWriteStream(),
    );
    this.checksum = hash.digest('hex');
  }

  /** The import job named this file: it is the job's to remove now. */
  adopt(): void {
    this.owned = false;
  }

  async dispose(): Promise<void> {
    if (!this.owned) return;
    this.owned = false;
    await rm(this.path, { force: true });
  }
}

/**
 * A spool file untouched for this long belongs to no running request: Node ends a request that has not arrived within
 * 5 minutes (server.requestTimeout), and what follows the last byte (reading the Header, queuing the load) takes
 * seconds.
 */
export const SPOOL_ORPHAN_AGE_MS = 60 * 60 * 1000;

// Every state in which a job may still read its file: waiting or running, and failed (a retry loads it again).
const HOLDING_STATES = JOB_STATES.filter((state) => state !== 'completed').map(asJobType);

async function pathsOfJobs(queue: Queue): Promise<Set<string>> {
  const paths = new Set<string>();
  for await (const job of jobsIn<{ path?: string }>(queue, HOLDING_STATES))
    if (job.data?.path) paths.add(job.data.path);
  return paths;
}

/**
 * Removes the spool files that nobody owns: written by a process that died between spooling a body and queuing its
 * load. Kept: a file an import job still holds, and one young enough to be a running request's (in this or another
 * API process). The files are listed before the jobs, so a load queued meanwhile is seen. Returns what was removed.
 */
export async function sweepOrphanedSpool(inboxDir: string, imports: Queue, now = Date.now()): Promise<string[]> {
  const dir = cimSpoolDir(inboxDir);
  const old: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    const stats = await stat(path).catch(() => undefined);
    if (stats?.isFile() && now - stats.mtimeMs > SPOOL_ORPHAN_AGE_MS) old.push(path);
  }
  if (!old.length) return [];
  const held = await pathsOfJobs(imports);
  const orphans = old.filter((path) => !held.has(path));
  await Promise.all(orphans.map((path) => rm(path, { force: true })));
  return orphans;
}
