import { parentPort } from 'node:worker_threads';
import { sha256File, type ChecksumAnswer } from './checksum';

// One path per message, one answer per path: a file that cannot be read is an answer too, and the thread stays.
parentPort?.on('message', (path: string) => {
  sha256File(path).then(
    (hex) => parentPort?.postMessage({ hex } satisfies ChecksumAnswer),
    (error: NodeJS.ErrnoException) =>
      parentPort?.postMessage({ error: { message: error.message, code: error.code } } satisfies ChecksumAnswer),
  );
});
