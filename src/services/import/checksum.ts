import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** sha256 of a file's bytes, lowercase hex: the identity under which a file is loaded once. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** sha256File on a worker thread, so that hashing a large file takes another core instead of the caller's. */
export function sha256FileOffThread(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'checksum-worker.js'), { workerData: path });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the checksum worker exited (code ${code}) without a checksum`)));
  });
}
