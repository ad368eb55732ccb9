import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function redisServerAvailable(): boolean {
  return onPath('redis-server');
}

export interface RedisServer {
  url: string;
  /** SIGKILL: what a crash or an OOM kill does; with no persistence the data is gone. */
  kill(): Promise<void>;
}

/**
 * A redis-server of the test's own on a loopback port, without persistence (the case the README warns about) unless
 * `settings` (later arguments win) say otherwise.
 */
export async function startRedisServer(port: number, dir: string, settings: string[] = []): Promise<RedisServer> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...settings],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server not ready within 15 s')), 15_000);
    lines.on('line', (line) => {
      if (!line.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      resolve();
    });
    void exited.then(() => reject(new Error(`redis-server exited with code ${child.exitCode}`)));
  });
  // Keep reading, so a full pipe never blocks the server's logging.
  lines.on('line', () => undefined);
  return {
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
