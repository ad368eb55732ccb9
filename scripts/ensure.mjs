// Makes a fresh or stale checkout runnable: installs dependencies when package.json or the lockfile changed since
// the last install, and rebuilds when any compiled input changed since the last build. Uses only Node built-ins,
// because it runs before node_modules exists.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function hashFiles(paths) {
  const hash = createHash('sha256');
  for (const path of paths) {
    hash.update(path);
    hash.update(readFileSync(join(root, path)));
  }
  return hash.digest('hex');
}

function listFiles(dir, out = []) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return out;
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    const rel = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(rel, out);
    else if (statSync(join(root, rel)).isFile()) out.push(rel);
  }
  return out.sort();
}

function stampMatches(stampPath, digest) {
  return existsSync(stampPath) && readFileSync(stampPath, 'utf8') === digest;
}

const installInputs = ['package.json', 'package-lock.json'].filter((p) => existsSync(join(root, p)));
const installDigest = hashFiles(installInputs);
const installStamp = join(root, 'node_modules', '.usage-portal-install');
if (!stampMatches(installStamp, installDigest)) {
  const ci = existsSync(join(root, 'package-lock.json'));
  console.error(`[ensure] dependencies missing or stale: npm ${ci ? 'ci' : 'install'}`);
  execFileSync(npm, [ci ? 'ci' : 'install', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 2, 2] });
  writeFileSync(installStamp, installDigest);
}

const buildInputs = [
  'tsconfig.json',
  'package-lock.json',
  'scripts/build.mjs',
  ...['src', 'migrations', 'test', 'bench'].flatMap((dir) => listFiles(dir)),
].filter((p) => existsSync(join(root, p)));
const buildDigest = hashFiles(buildInputs);
const buildStamp = join(root, 'dist', '.usage-portal-build');
if (!stampMatches(buildStamp, buildDigest)) {
  console.error('[ensure] build missing or stale: building');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: ['ignore', 2, 2] });
  writeFileSync(buildStamp, buildDigest);
}
