import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Bytes read at a time, into one buffer: a stream's fresh buffer per chunk would leave a thread's heap full of them. */
const READ_BYTES = 1024 * 1024;

/** sha256 of a file's bytes, lowercase hex: the identity under which a file is loaded once. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_BYTES);
    for (let n; (n = (await handle.read(buf, 0, READ_BYTES, null)).bytesRead) > 0;) hash.update(buf.subarray(0, n));
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** What a checksum thread answers for one path. */
export type ChecksumAnswer = { hex: string } | { error: { message: string; code?: string } };

// Threads that finished their file wait here for the next one: starting a thread costs about 80 ms of CPU, as much
// as hashing a 20 MB file, and an extract loads one file per hundred usage points. An idle thread is unref'd, so
// it never keeps the process alive, and ends after IDLE_MS, so that its heap is not held through a long load.
const IDLE_MS = 3_000;
const idle = new Map<Worker, NodeJS.Timeout>();

function take(): Worker {
  for (const [worker, timer] of idle) {
    clearTimeout(timer);
    idle.delete(worker);
    return worker;
  }
  const worker = new Worker(join(__dirname, 'checksum-worker.js'));
  worker.on('error', () => undefined);
  // A thread that died while idle must not be handed a file: it would never answer.
  worker.once('exit', () => {
    clearTimeout(idle.get(worker));
    idle.delete(worker);
  });
  return worker;
}

function release(worker: Worker): void {
  worker.unref();
  const timer = setTimeout(() => {
    idle.delete(worker);
    void worker.terminate();
  }, IDLE_MS);
  timer.unref();
  idle.set(worker, timer);
}

/** sha256File on a worker thread, so that hashing a large file takes another core instead of the caller's. */
export function sha256FileOffThread(path: string): Promise<string> {
  const worker = take();
  worker.ref();
  return new Promise<string>((resolve, reject) => {
    const settle = (answer: ChecksumAnswer) => {
      worker.off('message', settle);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if ('hex' in answer) resolve(answer.hex);
      else reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }));
      release(worker);
    };
    const onError = (error: Error) => {
      worker.off('message', settle);
      worker.off('exit', onExit);
      reject(error);
    };
    const onExit = (code: number) => {
      worker.off('message', settle);
      worker.off('error', onError);
      reject(new Error(`the checksum worker exited (code ${code}) without a checksum`));
    };
    worker.on('message', settle);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage(path);
  });
}
