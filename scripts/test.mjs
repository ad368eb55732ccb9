// The test command behind `npm test`: lint (eslint and prettier's check), then the compiled tests (node --test) against
// real servers that this script starts and stops itself: one PostgreSQL (embedded, or TEST_DATABASE_URL) and, when
// available, one Redis (REDIS_URL, or a redis-server found on PATH) and one Redis Cluster of three masters
// (REDIS_CLUSTER_NODES, or redis-server and redis-cli found on PATH) so the queue tests run on all three BullMQ
// backends.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import pino from 'pino';

const root = new URL('..', import.meta.url).pathname;
const log = (message) => process.stderr.write(`[test] ${message}\n`);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findTests(path, out);
    else if (entry.name.endsWith('.test.js')) out.push(path);
  }
  return out.sort();
}

function onPath(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function waitForRedis(port, child) {
  const { default: IORedis } = await import('ioredis');
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const client = new IORedis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch {
      client.disconnect();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('redis-server did not answer within 15s');
}

const cleanups = [];
async function cleanup() {
  while (cleanups.length)
    await cleanups
      .pop()()
      .catch((e) => log(`cleanup failed: ${e.message}`));
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => cleanup().finally(() => process.exit(130)));
}

async function main() {
  const args = process.argv.slice(2);
  if (!args.length) {
    log('lint: eslint, prettier --check');
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.'], {
        cwd: root,
        stdio: 'inherit',
      });
      execFileSync(
        process.execPath,
        [join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--check', '--log-level', 'warn', '.'],
        { cwd: root, stdio: 'inherit' },
      );
    } catch {
      log('lint failed (see above; `npm run format` rewrites the files prettier lists)');
      process.exit(1);
    }
  }

  const env = { ...process.env };
  if (!env.TEST_DATABASE_URL) {
    const { startEmbeddedPostgres } = await import(join(root, 'dist', 'src', 'db', 'embedded-postgres.js'));
    const dataDir = join(root, '.test-data', 'server');
    mkdirSync(dataDir, { recursive: true });
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' }, pino.destination(2));
    // Two test files at a time, each starting up to four processes of ~25 connections (a pool per BullMQ queue and
    // worker): more than PostgreSQL's default 100.
    const server = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      logger,
      settings: { max_connections: '300' },
    });
    cleanups.push(() => server.stop());
    env.TEST_DATABASE_URL = server.serverUrl;
    log(`PostgreSQL: embedded (${relative(root, dataDir)})`);
  } else {
    log('PostgreSQL: TEST_DATABASE_URL');
  }

  if (env.REDIS_URL) {
    env.TEST_REDIS_URL = env.REDIS_URL;
    log('Redis: REDIS_URL (queue tests run on it)');
  } else if (onPath('redis-server')) {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    cleanups.push(async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    });
    await waitForRedis(port, child);
    env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
    log('Redis: redis-server on PATH (queue tests run on it)');
  } else {
    log('SKIPPED the Redis suite: no redis-server on PATH and REDIS_URL is unset (queue tests skip the Redis backend)');
  }
  if (env.REDIS_CLUSTER_NODES) {
    env.TEST_REDIS_CLUSTER_NODES = env.REDIS_CLUSTER_NODES;
    log('Redis Cluster: REDIS_CLUSTER_NODES (queue tests run on it)');
  } else if (onPath('redis-server') && onPath('redis-cli')) {
    const { startRedisCluster } = await import(join(root, 'dist', 'test', 'support', 'redis-cluster.js'));
    const cluster = await startRedisCluster();
    cleanups.push(() => cluster.stop());
    env.TEST_REDIS_CLUSTER_NODES = cluster.nodes;
    log(`Redis Cluster: three redis-server masters on ${cluster.nodes} (queue tests run on it)`);
  } else {
    log(
      'SKIPPED the Redis Cluster suite: no redis-server and redis-cli on PATH and REDIS_CLUSTER_NODES is unset (queue tests skip the cluster backend)',
    );
  }
  delete env.REDIS_URL;
  delete env.REDIS_CLUSTER_NODES;
  delete env.DATABASE_URL;

  const files = args.length ? args : findTests(join(root, 'dist', 'test'));
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
  await cleanup();
  process.exit(code);
}

main().catch(async (error) => {
  log(error.stack ?? String(error));
  await cleanup();
  process.exit(1);
});
