import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/paths';

const script = join(repoRoot, 'scripts', 'schema-check.mjs');
const V1 = 'type Query {\n  usage: Float\n  total: String\n}\n';

/** A repository whose first commit has V1 and whose second commit has `schema`, committed with `message`. */
function repository(schema: string, message: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'schema-check-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir });
  git('init', '-q');
  writeFileSync(join(dir, 'schema.graphql'), V1);
  git('add', '.');
  git('commit', '-qm', 'v1');
  writeFileSync(join(dir, 'schema.graphql'), schema);
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(dir, file), text);
  git('add', '.');
  git('commit', '-qm', message);
  return dir;
}

function check(dir: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('scripts/schema-check.mjs', () => {
  it('passes an added field', () => {
    assert.equal(
      check(repository('type Query {\n  usage: Float\n  total: String\n  cost: String\n}\n', 'add cost')).status,
      0,
    );
  });

  it('fails a removed field or a changed type, naming it', () => {
    const removed = check(repository('type Query {\n  usage: Float\n}\n', 'drop total'));
    assert.equal(removed.status, 1);
    assert.match(removed.output, /FIELD_REMOVED: Query.total was removed/);
    assert.equal(check(repository('type Query {\n  usage: String\n  total: String\n}\n', 'usage as text')).status, 1);
  });

  it('passes a breaking change acknowledged in the commit message or in schema.breaking-ok', () => {
    assert.equal(
      check(repository('type Query {\n  usage: Float\n}\n', 'drop total\n\nBREAKING-SCHEMA-CHANGE: nobody reads it'))
        .status,
      0,
    );
    assert.equal(
      check(
        repository('type Query {\n  usage: Float\n}\n', 'drop total', {
          'schema.breaking-ok': 'total: unused since v2\n',
        }),
      ).status,
      0,
    );
  });
});
