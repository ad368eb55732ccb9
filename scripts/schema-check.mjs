// Fails on an unintended breaking change of the GraphQL API: compares schema.graphql of the working tree (the build
// regenerates it, and CI checks that it is fresh) with schema.graphql of the base revision using graphql's
// findBreakingChanges. A breaking change passes only when acknowledged, either by a commit message in base..HEAD
// containing "BREAKING-SCHEMA-CHANGE" or by a change to the file schema.breaking-ok in base..HEAD (say why in it).
//
//   node scripts/schema-check.mjs [--base <rev>]
// The base defaults to the merge base with origin/main when that exists, else HEAD~1. Exit code 0 = compatible or
// acknowledged, 1 = unacknowledged breaking change, 2 = usage or git error.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql';

const ACK_MESSAGE = 'BREAKING-SCHEMA-CHANGE';
const ACK_FILE = 'schema.breaking-ok';
const git = (...args) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const tryGit = (...args) => {
  try {
    return git(...args);
  } catch {
    return undefined;
  }
};

function baseRevision() {
  const index = process.argv.indexOf('--base');
  if (index !== -1) {
    if (!process.argv[index + 1]) throw new Error('--base needs a revision');
    return process.argv[index + 1];
  }
  return tryGit('merge-base', 'HEAD', 'origin/main')?.trim() || tryGit('rev-parse', 'HEAD~1')?.trim();
}

try {
  const base = baseRevision();
  const previous = base && tryGit('show', `${base}:schema.graphql`);
  if (!previous) {
    console.log('schema-check: no schema.graphql at the base revision; nothing to compare');
    process.exit(0);
  }
  const current = readFileSync('schema.graphql', 'utf8');
  const oldSchema = buildSchema(previous);
  const newSchema = buildSchema(current);
  for (const change of findDangerousChanges(oldSchema, newSchema))
    console.log(`schema-check: dangerous: ${change.type}: ${change.description}`);
  const breaking = findBreakingChanges(oldSchema, newSchema);
  if (breaking.length === 0) {
    console.log(`schema-check: no breaking change against ${base.slice(0, 12)}`);
    process.exit(0);
  }
  for (const change of breaking) console.log(`schema-check: BREAKING: ${change.type}: ${change.description}`);
  const messages = git('log', '--format=%B', `${base}..HEAD`);
  const ackFileChanged = git('diff', '--name-only', base, '--', ACK_FILE).trim() !== '';
  if (messages.includes(ACK_MESSAGE) || ackFileChanged) {
    console.log(`schema-check: ${breaking.length} breaking change(s) acknowledged`);
    process.exit(0);
  }
  console.error(
    `schema-check: ${breaking.length} breaking change(s) against ${base.slice(0, 12)}. If intended, say ${ACK_MESSAGE} in the ` +
      `commit message or explain it in ${ACK_FILE}; otherwise keep the old fields (deprecate them) and add new ones.`,
  );
  process.exit(1);
} catch (error) {
  console.error(`schema-check: ${error.message}`);
  process.exit(2);
}
