import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

// Compiled tests live in dist/test/support, so the repository root is three levels up.
export const repoRoot = resolve(__dirname, '..', '..', '..');
export const fixturesDir = resolve(repoRoot, 'test', 'fixtures');

// The workspace's shared folder sits beside the clone in development and CI, never in a user's clone.
const sharedCandidate = resolve(repoRoot, '..', 'shared');
export const sharedDir: string | undefined = existsSync(sharedCandidate) ? sharedCandidate : undefined;
