import { parentPort, workerData } from 'node:worker_threads';
import type { LogLevel } from '../../config';
import { createDataSource } from '../../db/data-source';
import { createLogger } from '../../logger';
import { importFile } from './import-file';
import type { ImportThreadReply, ImportThreadRequest } from './import-thread';

// The thread of an ImportThread: one DataSource, opened at the first load; the loads of the shards a process works
// at once run side by side (each is one transaction on its own connection).
const { databaseUrl, logLevel } = workerData as { databaseUrl: string; logLevel: LogLevel };
const dataSource = createDataSource(databaseUrl, { poolSize: 4, applicationName: 'usage-portal-load' });
const ready = dataSource.initialize();
ready.catch(() => undefined);
const logger = createLogger(logLevel);

parentPort?.on('message', async ({ id, options, bindings }: ImportThreadRequest) => {
  let reply: ImportThreadReply;
  try {
    await ready;
    reply = { id, result: await importFile(dataSource, { ...options, logger: logger.child(bindings) }) };
  } catch (error) {
    const { message, name, stack, code } = error as NodeJS.ErrnoException;
    reply = { id, error: { message, name, stack, code } };
  }
  parentPort?.postMessage(reply);
});
