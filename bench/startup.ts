// Times what a newcomer waits for: `npm start` on a fresh clone (install and build included) until GET /readyz
// answers 200, then the median of three later starts that reuse the data. Also checks that Ctrl-C (SIGINT to the
// whole process group, as a terminal sends it) leaves no postgres process behind.
//
//   node dist/bench/startup.js [repo]     (repo defaults to this checkout; its committed HEAD is cloned)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(process.argv[2] ?? join(__dirname, '..', '..'));

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function postgresOf(dir: string): number {
  const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(join(dir, '.data'))).length;
}

async function startOnce(dir: string, port: number, pgPort: number): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn('npm', ['start'], {
    cwd: dir,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'warn' },
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.kill(-(child.pid as number), 'SIGINT');
  const code = await exited;
  await new Promise((r) => setTimeout(r, 500));
  const left = postgresOf(dir);
  if (left > 0) throw new Error(`${left} postgres process(es) left after Ctrl-C`);
  process.stdout.write(`  start: ${seconds.toFixed(1)} s to /readyz 200; Ctrl-C exit code ${code}; postgres left: 0\n`);
  return seconds;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'usage-portal-startup-'));
  try {
    execFileSync('git', ['clone', '--quiet', repo, dir]);
    const port = await freePort();
    const pgPort = await freePort();
    process.stdout.write(`fresh clone of ${repo} in ${dir} (npm's download cache is whatever this machine has)\n`);
    const first = await startOnce(dir, port, pgPort);
    const later: number[] = [];
    for (let i = 0; i < 3; i++) later.push(await startOnce(dir, port, pgPort));
    later.sort((a, b) => a - b);
    process.stdout.write(`first start (install + build + initdb): ${first.toFixed(1)} s\n`);
    process.stdout.write(
      `later starts: median ${later[1].toFixed(1)} s (min ${later[0].toFixed(1)}, max ${later[2].toFixed(1)}); ratio first/median ${(first / later[1]).toFixed(1)}x\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
