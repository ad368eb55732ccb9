import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { INBOX_FOLDERS, isInProgressName } from './files';

/** A refused upload: the HTTP status, a code and a message for the client. Nothing of it is left in the inbox. */
export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: 'INVALID_NAME' | 'EMPTY_UPLOAD' | 'NAME_TAKEN' | 'UPLOAD_TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

export const tooLarge = (maxBytes: number) =>
  new UploadError(
    413,
    'UPLOAD_TOO_LARGE',
    `the upload is larger than the limit of ${maxBytes} bytes (UPLOAD_MAX_BYTES)`,
  );

// A plain file name: no separators, no leading dot (hidden, and "." / ".."), nothing the inbox scan treats as a file
// still being written, not one of the inbox's folders. The upload then names exactly one entry directly inside the
// inbox.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function checkUploadName(name: string): void {
  if (!NAME.test(name) || isInProgressName(name) || INBOX_FOLDERS.includes(name)) {
    throw new UploadError(
      400,
      'INVALID_NAME',
      `the file name must be 1-200 letters, digits, ".", "_" or "-", start with a letter or digit, not end in .part or .tmp, and not be ${INBOX_FOLDERS.join(', ')}`,
    );
  }
}

export interface ReceivedUpload {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Streams a body into the inbox under `name`: written to a hidden `.part` file (which the inbox scan skips), counted
 * and hashed as it arrives, refused past `maxBytes`, fsync'd, then linked to its name, which fails rather than
 * replace a file already there. A failure at any point removes the partial file, so the inbox only ever holds whole
 * uploads.
 */
export async function receiveIntoInbox(
  body: AsyncIterable<Buffer>,
  inboxDir: string,
  name: string,
  maxBytes: number,
): Promise<ReceivedUpload> {
  checkUploadName(name);
  await mkdir(inboxDir, { recursive: true });
  const partial = join(inboxDir, `.upload-${randomUUID()}.part`);
  const target = join(inboxDir, name);
  const hash = createHash('sha256');
  let bytes = 0;
  const file = await open(partial, 'wx', 0o640);
  try {
    try {
      for await (const chunk of body) {
        bytes += chunk.length;
        if (bytes > maxBytes) throw tooLarge(maxBytes);
        hash.update(chunk);
        await file.write(chunk);
      }
      if (bytes === 0) throw new UploadError(400, 'EMPTY_UPLOAD', 'the upload is empty');
      await file.sync();
    } finally {
      await file.close();
    }
    await link(partial, target).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EEXIST'
        ? new UploadError(409, 'NAME_TAKEN', `the inbox already has a file named ${name}`)
        : error;
    });
    await syncDirectory(inboxDir);
  } finally {
    await unlink(partial).catch(() => undefined);
  }
  return { path: target, bytes, sha256: hash.digest('hex') };
}

// The new name must survive a power cut as well as the bytes do.
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
