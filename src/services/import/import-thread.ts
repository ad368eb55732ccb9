import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LogLevel } from '../../config';
import type { Logger } from '../../logger';
import type { ImportFileOptions, ImportResult } from './types';

/** What crosses to the thread: a file to load, and the bindings of the caller's log lines. */
export interface ImportThreadRequest {
  id: number;
  options: Pick<ImportFileOptions, 'path' | 'source' | 'jobId' | 'force' | 'fallbackZone'>;
  bindings: Record<string, unknown>;
}

export type ImportThreadReply =
  | { id: number; result: ImportResult }
  | { id: number; error: { message: string; name: string; code?: string; stack?: string } };

/**
 * importFile on a worker thread of its own, with its own connection pool: the extract writes the next file on the
 * main thread while this one parses and loads the last, so one process keeps two cores busy. The thread is unref'd: it
 * never keeps the process alive, and dies with it (a load in flight rolls back, as any killed load does).
 */
export class ImportThread {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (result: ImportResult) => void; reject: (error: Error) => void }
  >();
  private next = 0;
  private exited = false;

  constructor(databaseUrl: string, logLevel: LogLevel) {
    this.worker = new Worker(join(__dirname, 'import-thread-worker.js'), { workerData: { databaseUrl, logLevel } });
    this.worker.on('message', (reply: ImportThreadReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('result' in reply) waiting?.resolve(reply.result);
      else waiting?.reject(Object.assign(new Error(reply.error.message), reply.error));
    });
    const failAll = (error: Error) => {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', failAll);
    this.worker.on('exit', (code) => {
      this.exited = true;
      failAll(new Error(`the import thread exited (code ${code})`));
    });
    // After the listeners: adding a 'message' listener refs the thread's port again.
    this.worker.unref();
  }

  get alive(): boolean {
    return !this.exited;
  }

  load(options: ImportThreadRequest['options'], logger: Logger): Promise<ImportResult> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, options, bindings: logger.bindings() } satisfies ImportThreadRequest);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

const threads = new Map<string, ImportThread>();

/** The process's import thread for that database, started at its first use and again if it died. */
export function importThreadFor(databaseUrl: string, logLevel: LogLevel): ImportThread {
  let thread = threads.get(databaseUrl);
  if (!thread?.alive) {
    thread = new ImportThread(databaseUrl, logLevel);
    threads.set(databaseUrl, thread);
  }
  return thread;
}
