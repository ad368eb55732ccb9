import { parentPort, workerData } from 'node:worker_threads';
import { sha256File } from './checksum';

// A failure is thrown out of the worker, which the parent receives as its 'error' event.
void sha256File(workerData as string).then((hex) => parentPort?.postMessage(hex));
