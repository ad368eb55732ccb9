import { resolve } from 'node:path';
import { durationSeconds } from './duration';
import { parseKillAt } from './fault-points';
import { MAX_SHARDS } from './ods/extract-plan';

// Thrown for any invalid environment variable; the CLI prints its message as one line and exits non-zero.
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config {
  production: boolean;
  host: string;
  port: number;
  dataDir: string;
  /** Unset means: run the embedded PostgreSQL under dataDir. */
  databaseUrl?: string;
  embeddedPostgresPort: number;
  /** Unset (with redisCluster unset) means: BullMQ on its PostgreSQL backend in the portal database. */
  redisUrl?: string;
  /** A Redis Cluster for BullMQ; never set together with redisUrl. */
  redisCluster?: RedisClusterSetting;
  /** On a Redis Cluster it holds a hash tag, so every key of every queue (and of a flow across queues) is in one slot. */
  queuePrefix: string;
  jwt: {
    secret?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
    /** Longest lifetime a token may have (exp - iat, or exp - now without iat): longer ones are refused. */
    maxTtlSeconds: number;
  };
  /** Each principal's budget of cost points, shared by every entry point, and how fast it refills. */
  budget: { points: number; refillPerSecond: number };
  /** Most GraphQL subscriptions one principal may hold open at once on one API process. */
  subscriptionsPerPrincipal: number;
  /** Absolute http(s) URL, no trailing slash, under which clients reach this API: ESPI hrefs start here. */
  publicBaseUrl: string;
  odsDatabaseUrl?: string;
  inboxDir: string;
  outboxDir: string;
  /** Largest body `PUT /admin/inbox/:name` accepts. */
  uploadMaxBytes: number;
  /** Where asynchronous CIM replies may be posted: a ReplyAddress must sit under one of these (none: refused). */
  cimReplyUrls: URL[];
  /** Where webhook endpoints and Green Button notify URIs may point: each must sit under one of these (none: refused). */
  webhookUrls: URL[];
  extractCron: string;
  /** Shards (child jobs) per extract run; undefined: one per SHARD_READINGS readings of the run. */
  extractShards?: number;
  /** Attempts of each shard's job before it fails the run. */
  extractShardAttempts: number;
  /** Extract jobs (shards) one process works at once. */
  extractConcurrency: number;
  inboxScanCron: string;
  partitionCron: string;
  /** Months of interval_reading partitions kept ready ahead of the current month. */
  partitionMonthsAhead: number;
  /** IANA zone for files that carry none (Green Button CSV, ESPI without LocalTimeParameters): the utility's own. */
  defaultTimeZone: string;
  migrateOnStart: boolean;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
  /** Origins (scheme://host[:port]) whose browser pages may call the API (CORS); none: no CORS header is sent. */
  corsOrigins: string[];
  /** Apollo persisted query manifest whose operations clients may send by id alone (src/http/persisted-queries.ts). */
  persistedQueriesFile?: string;
  /** URDB JSON tariff files (a directory of *.json or one file), loaded into the database at start. */
  tariffPath: string;
  /** Run only the manifest's operations. */
  persistedQueriesOnly: boolean;
  /** Serve /demo, a customer page over the generated demo data that signs in without a password. */
  demoPage: boolean;
}

export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisClusterSetting {
  /** Seeds: the client learns the other nodes from the first that answers. */
  nodes: RedisNode[];
  /** One set of credentials and one scheme for every node: the client reaches the nodes it learns with them. */
  username?: string;
  password?: string;
  tls: boolean;
}

type Env = Record<string, string | undefined>;

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected ${min}..${max}, got ${value}`);
  return value;
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got "${parsed.protocol}"`);
  }
  return raw;
}

function urlList(env: Env, name: string, protocols: readonly string[]): URL[] {
  const entries = (nonEmpty(env, name) ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return entries.map((entry) => new URL(url({ [name]: entry }, name, protocols) as string));
}

// Browsers send Origin as scheme://host[:port], lower case, without a default port: entries are kept in that form.
function originList(env: Env, name: string): string[] {
  const entries = (nonEmpty(env, name) ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return entries.map((entry) => {
    const parsed = URL.canParse(entry) ? new URL(entry) : undefined;
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.pathname !== '/' || /[?#@]/.test(entry)) {
      throw new ConfigError(
        name,
        `expected comma-separated http(s) origins such as https://app.example.com (no path, no "*"), got "${entry}"`,
      );
    }
    return parsed.origin;
  });
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

// Five or six space-separated cron fields; BullMQ (cron-parser) does the full parse when the scheduler is registered.
function cron(env: Env, name: string, fallback: string): string {
  const value = nonEmpty(env, name) ?? fallback;
  const fields = value.split(/\s+/);
  if (fields.length < 5 || fields.length > 6 || fields.some((f) => !/^[\d*/,\-A-Za-z?LW#]+$/.test(f))) {
    throw new ConfigError(name, `expected a cron pattern such as "0 2 * * *", got "${value}"`);
  }
  return value;
}

function duration(env: Env, name: string, fallback: number): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  const seconds = durationSeconds(raw);
  if (seconds === undefined)
    throw new ConfigError(name, `expected a positive duration such as 3600, 30m, 24h or 7d, got "${raw}"`);
  return seconds;
}

// Links the API writes (ESPI hrefs) must not follow a Host header a client chose.
function publicBaseUrl(env: Env, name: string, fallback: string): string {
  const raw = url(env, name, ['http:', 'https:']) ?? fallback;
  const parsed = new URL(raw);
  if (parsed.search || parsed.hash || raw.includes('?') || raw.includes('#'))
    throw new ConfigError(name, 'must not have a query or a fragment');
  if (parsed.username || parsed.password) throw new ConfigError(name, 'must not carry credentials');
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
}

const POSTGRES = ['postgres:', 'postgresql:'];

type NodeAccess = Omit<RedisClusterSetting, 'nodes'>;

/** `host:port` (`[v6-address]:port`), or `redis(s)://[user:password@]host:port`, which also says how to reach it. */
function redisNode(name: string, entry: string): { node: RedisNode; access?: NodeAccess } {
  if (/^rediss?:\/\//.test(entry)) {
    let parsed: URL;
    try {
      parsed = new URL(entry);
    } catch {
      throw new ConfigError(name, 'an entry is not a valid redis:// or rediss:// URL'); // never echoed: it may hold a password
    }
    if (!parsed.port || (parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search) {
      throw new ConfigError(
        name,
        `expected redis(s)://[user:password@]host:port entries with a port and no database or options, got one for ${parsed.host}`,
      );
    }
    const access = {
      username: decodeURIComponent(parsed.username) || undefined,
      password: decodeURIComponent(parsed.password) || undefined,
      tls: parsed.protocol === 'rediss:',
    };
    return { node: { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(parsed.port) }, access };
  }
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9._-]+)):(\d{1,5})$/.exec(entry);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535)
    throw new ConfigError(name, `expected comma-separated host:port or redis(s)://host:port entries, got "${entry}"`);
  return { node: { host: match[1] ?? match[2], port } };
}

function redisCluster(env: Env, name: string): RedisClusterSetting | undefined {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return undefined;
  const entries = raw.split(',').map((entry) => redisNode(name, entry.trim()));
  const accesses = new Set(entries.flatMap(({ access }) => (access ? [JSON.stringify(access)] : [])));
  if (accesses.size > 1)
    throw new ConfigError(
      name,
      'the URL entries differ in user, password or scheme: the client reaches every node with one set',
    );
  const access = entries.find((entry) => entry.access)?.access ?? { tls: false };
  return { nodes: entries.map(({ node }) => node), ...access };
}

/** Redis Cluster's rule: the part between the first "{" and the next "}", if not empty, is what the slot hashes. */
function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1;
}

// BullMQ's scripts touch several keys of a queue at once, and a flow those of its parent's and children's queues: on
// a cluster they must all hash to one slot, which one hash tag in the prefix guarantees for every queue.
function queuePrefix(env: Env, cluster: boolean): string {
  const value = nonEmpty(env, 'QUEUE_PREFIX') ?? (cluster ? '{usage-portal}' : 'usage-portal');
  if (!/^[A-Za-z0-9_{}-]+$/.test(value)) {
    throw new ConfigError('QUEUE_PREFIX', 'letters, digits, "_", "-" and a "{...}" hash tag only');
  }
  if (cluster && !hasHashTag(value)) {
    throw new ConfigError(
      'QUEUE_PREFIX',
      `"${value}" has no {hash tag}, which a Redis Cluster (REDIS_CLUSTER_NODES) needs: BullMQ runs scripts over several keys of a queue, and of the queues of a flow, that must all be in one hash slot; use e.g. {${value.replace(/[{}]/g, '')}}`,
    );
  }
  return value;
}

function timeZone(env: Env, name: string, fallback: string): string {
  const value = nonEmpty(env, name) ?? fallback;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new ConfigError(name, `unknown IANA time zone "${value}" (e.g. America/New_York)`);
  }
  return value;
}

/** The fault suite's hook (src/fault-points.ts) is read where it fires; here it is only checked. */
function checkKillAt(env: Env, production: boolean): void {
  const value = nonEmpty(env, 'USAGE_PORTAL_KILL_AT');
  if (value === undefined) return;
  if (production)
    throw new ConfigError(
      'USAGE_PORTAL_KILL_AT',
      'a test hook that kills the process: refused with NODE_ENV=production',
    );
  try {
    parseKillAt(value);
  } catch (error) {
    throw new ConfigError('USAGE_PORTAL_KILL_AT', (error as Error).message);
  }
}

export function loadConfig(env: Env = process.env): Config {
  const dataDir = resolve(nonEmpty(env, 'DATA_DIR') ?? '.data');
  const logLevel = (nonEmpty(env, 'LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const databaseUrl = url(env, 'DATABASE_URL', POSTGRES);
  const jwt = {
    secret: nonEmpty(env, 'JWT_SECRET'),
    jwksUrl: url(env, 'JWT_JWKS_URL', ['https:', 'http:']),
    issuer: nonEmpty(env, 'JWT_ISSUER'),
    audience: nonEmpty(env, 'JWT_AUDIENCE'),
    maxTtlSeconds: duration(env, 'JWT_MAX_TTL', 24 * 3600),
  };
  if (jwt.secret !== undefined && Buffer.byteLength(jwt.secret) < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 bytes for HS256');
  }
  const production = nonEmpty(env, 'NODE_ENV') === 'production';
  if (production && !jwt.secret && !jwt.jwksUrl) {
    throw new ConfigError('JWT_SECRET', 'set JWT_SECRET or JWT_JWKS_URL in production');
  }
  checkKillAt(env, production);
  const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const redisClusterSetting = redisCluster(env, 'REDIS_CLUSTER_NODES');
  if (redisUrl && redisClusterSetting)
    throw new ConfigError(
      'REDIS_CLUSTER_NODES',
      'set either REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both',
    );
  const port = integer(env, 'PORT', 4000, 0, 65535);
  const odsDatabaseUrl = url(env, 'ODS_DATABASE_URL', POSTGRES);
  // On by default only where the demo ODS is generated (embedded PostgreSQL, no ODS_DATABASE_URL): no real customers.
  const persistedQueriesFile = nonEmpty(env, 'PERSISTED_QUERIES_FILE');
  const persistedQueriesOnly = boolean(env, 'PERSISTED_QUERIES_ONLY', false);
  if (persistedQueriesOnly && !persistedQueriesFile)
    throw new ConfigError('PERSISTED_QUERIES_ONLY', 'needs the list: set PERSISTED_QUERIES_FILE');
  const demoPage = boolean(env, 'DEMO_PAGE', !databaseUrl && !odsDatabaseUrl && !jwt.jwksUrl);
  if (demoPage && jwt.jwksUrl)
    throw new ConfigError(
      'DEMO_PAGE',
      'the demo page signs its own tokens, which JWT_JWKS_URL does not accept: turn one off',
    );
  return {
    production,
    host: nonEmpty(env, 'HOST') ?? '0.0.0.0',
    port,
    publicBaseUrl: publicBaseUrl(env, 'PUBLIC_BASE_URL', `http://localhost:${port}`),
    // A year of daily usage for a usage point costs about 400 points: the budget lets one app user refresh a dashboard
    // many times a minute, not scrape the database.
    budget: {
      points: integer(env, 'BUDGET_POINTS', 50_000, 100, 100_000_000),
      refillPerSecond: integer(env, 'BUDGET_REFILL_PER_SECOND', 500, 1, 10_000_000),
    },
    subscriptionsPerPrincipal: integer(env, 'SUBSCRIPTIONS_PER_PRINCIPAL', 20, 1, 10_000),
    dataDir,
    databaseUrl,
    embeddedPostgresPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    redisUrl,
    redisCluster: redisClusterSetting,
    queuePrefix: queuePrefix(env, redisClusterSetting !== undefined),
    jwt,
    odsDatabaseUrl,
    inboxDir: resolve(nonEmpty(env, 'INBOX_DIR') ?? resolve(dataDir, 'inbox')),
    outboxDir: resolve(nonEmpty(env, 'OUTBOX_DIR') ?? resolve(dataDir, 'outbox')),
    uploadMaxBytes: integer(env, 'UPLOAD_MAX_BYTES', 4 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    cimReplyUrls: urlList(env, 'CIM_REPLY_URLS', ['http:', 'https:']),
    webhookUrls: urlList(env, 'WEBHOOK_URLS', ['http:', 'https:']),
    extractCron: cron(env, 'EXTRACT_CRON', '0 2 * * *'),
    extractShardAttempts: integer(env, 'EXTRACT_SHARD_ATTEMPTS', 5, 1, 20),
    extractConcurrency: integer(env, 'EXTRACT_CONCURRENCY', 2, 1, 16),
    extractShards:
      nonEmpty(env, 'EXTRACT_SHARDS') === undefined || nonEmpty(env, 'EXTRACT_SHARDS') === 'auto'
        ? undefined
        : integer(env, 'EXTRACT_SHARDS', 1, 1, MAX_SHARDS),
    inboxScanCron: cron(env, 'INBOX_SCAN_CRON', '*/5 * * * *'),
    partitionCron: cron(env, 'PARTITION_CRON', '17 3 * * *'),
    partitionMonthsAhead: integer(env, 'PARTITION_MONTHS_AHEAD', 3, 1, 60),
    defaultTimeZone: timeZone(env, 'DEFAULT_TIME_ZONE', 'UTC'),
    migrateOnStart: boolean(env, 'MIGRATE_ON_START', true),
    logLevel,
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 30000, 1000, 600000),
    corsOrigins: originList(env, 'CORS_ORIGINS'),
    persistedQueriesFile: persistedQueriesFile && resolve(persistedQueriesFile),
    persistedQueriesOnly,
    // The shipped demo tariffs unless told otherwise: the demo ODS prices its reads with them.
    tariffPath: resolve(nonEmpty(env, 'TARIFF_PATH') ?? resolve(__dirname, '..', '..', 'tariffs')),
    demoPage,
  };
}
