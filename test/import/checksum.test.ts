import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256FileOffThread } from '../../src/services/import/checksum';

test('checksums off thread: right for files one after another and at once, a missing file fails alone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'checksum-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = Array.from({ length: 6 }, (_, i) => {
    const path = join(dir, `f${i}.xml`);
    const bytes = Buffer.alloc(100_000 * (i + 1), i);
    writeFileSync(path, bytes);
    return { path, hex: createHash('sha256').update(bytes).digest('hex') };
  });
  for (const f of files) assert.equal(await sha256FileOffThread(f.path), f.hex);
  await assert.rejects(sha256FileOffThread(join(dir, 'gone.xml')), { code: 'ENOENT' });
  assert.deepEqual(
    await Promise.all(files.map((f) => sha256FileOffThread(f.path))),
    files.map((f) => f.hex),
  );
  assert.equal(await sha256FileOffThread(files[0].path), files[0].hex);
});
