import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './paths';

export const cliPath = join(repoRoot, 'dist', 'src', 'cli.js');

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first JSON object printed on stdout (the --json result), or rejects if the process exits first. */
  firstJson(timeoutMs?: number): Promise<Record<string, unknown>>;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: string[], env: Record<string, string | undefined>): CliProcess {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => (out += chunk));
  child.stderr?.on('data', (chunk) => (err += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    firstJson(timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no JSON within ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
        const check = () => {
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line) {
            clearTimeout(timer);
            resolve(JSON.parse(line) as Record<string, unknown>);
          }
        };
        child.stdout?.on('data', check);
        check();
        void exit.then(({ code }) => {
          clearTimeout(timer);
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line) resolve(JSON.parse(line) as Record<string, unknown>);
          else reject(new Error(`exited with ${code} before printing JSON; stderr:\n${err}`));
        });
      });
    },
  };
}

export async function runCli(args: string[], env: Record<string, string | undefined>) {
  const cli = startCli(args, env);
  const { code } = await cli.exited();
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
