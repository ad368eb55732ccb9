// Compiles with tsc (decorator metadata needs a real TypeScript emit, not esbuild) and regenerates schema.graphql
// from the compiled resolvers.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const tsc = join(root, 'node_modules', 'typescript-native', 'bin', 'tsc');

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });

const emitSchema = join(root, 'dist', 'src', 'resolvers', 'emit-schema.js');
if (existsSync(emitSchema)) {
  execFileSync(process.execPath, [emitSchema, join(root, 'schema.graphql')], { cwd: root, stdio: 'inherit' });
}
