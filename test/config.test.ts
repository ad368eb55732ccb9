import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config';

function errorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('loadConfig', () => {
  it('defaults to the embedded database, the PostgreSQL queue backend and port 4000', () => {
    const config = loadConfig({});
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.port, 4000);
    assert.match(config.dataDir, /\.data$/);
    assert.equal(config.inboxDir, `${config.dataDir}/inbox`);
    assert.equal(config.migrateOnStart, true);
  });

  it('names the variable in every rejection', () => {
    assert.equal(errorFor({ DATABASE_URL: 'mysql://x/y' }).variable, 'DATABASE_URL');
    assert.equal(errorFor({ DATABASE_URL: 'not a url' }).variable, 'DATABASE_URL');
    assert.equal(errorFor({ REDIS_URL: 'http://localhost:6379' }).variable, 'REDIS_URL');
    assert.equal(errorFor({ PORT: '70000' }).variable, 'PORT');
    assert.equal(errorFor({ PORT: '4000x' }).variable, 'PORT');
    assert.equal(errorFor({ LOG_LEVEL: 'loud' }).variable, 'LOG_LEVEL');
    assert.equal(errorFor({ EXTRACT_CRON: 'every night' }).variable, 'EXTRACT_CRON');
    assert.equal(errorFor({ JWT_SECRET: 'short' }).variable, 'JWT_SECRET');
    assert.equal(errorFor({ MIGRATE_ON_START: 'maybe' }).variable, 'MIGRATE_ON_START');
    assert.equal(errorFor({ DEFAULT_TIME_ZONE: 'Mars/Olympus_Mons' }).variable, 'DEFAULT_TIME_ZONE');
    assert.match(errorFor({ PORT: '-1' }).message, /^PORT: /);
    assert.equal(
      errorFor({ CIM_REPLY_URLS: 'https://esb.example/cim,ftp://files.example/' }).variable,
      'CIM_REPLY_URLS',
    );
  });

  it('checks the fault suite hook, and refuses it in production', () => {
    assert.doesNotThrow(() => loadConfig({ USAGE_PORTAL_KILL_AT: 'extract:after-load:2' }));
    assert.equal(errorFor({ USAGE_PORTAL_KILL_AT: 'extract:after-load:0' }).variable, 'USAGE_PORTAL_KILL_AT');
    assert.equal(errorFor({ USAGE_PORTAL_KILL_AT: 'kill me' }).variable, 'USAGE_PORTAL_KILL_AT');
    const production = errorFor({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      USAGE_PORTAL_KILL_AT: 'import:mid-copy',
    });
    assert.equal(production.variable, 'USAGE_PORTAL_KILL_AT');
  });

  it('reads CIM_REPLY_URLS as a list, and none by default', () => {
    assert.deepEqual(loadConfig({}).cimReplyUrls, []);
    const { cimReplyUrls } = loadConfig({
      CIM_REPLY_URLS: ' https://esb.example/cim/replies , http://mdm.local:8080/',
    });
    assert.deepEqual(cimReplyUrls.map(String), ['https://esb.example/cim/replies', 'http://mdm.local:8080/']);
  });

  it('reads CORS_ORIGINS as exact http(s) origins, none by default', () => {
    assert.deepEqual(loadConfig({}).corsOrigins, []);
    const { corsOrigins } = loadConfig({
      CORS_ORIGINS: ' https://App.example.com , http://localhost:5173/,https://m.example.com:443',
    });
    assert.deepEqual(corsOrigins, ['https://app.example.com', 'http://localhost:5173', 'https://m.example.com']);
    for (const bad of [
      '*',
      'app.example.com',
      'ftp://files.example',
      'https://app.example.com/web',
      'https://app.example.com?x=1',
      'https://user@app.example.com',
      'null',
    ]) {
      assert.equal(errorFor({ CORS_ORIGINS: `https://ok.example,${bad}` }).variable, 'CORS_ORIGINS', bad);
    }
  });

  it('reads the persisted query list, and refuses the allow-list without one', () => {
    assert.deepEqual([loadConfig({}).persistedQueriesFile, loadConfig({}).persistedQueriesOnly], [undefined, false]);
    const config = loadConfig({ PERSISTED_QUERIES_FILE: '/etc/portal/manifest.json', PERSISTED_QUERIES_ONLY: 'true' });
    assert.deepEqual([config.persistedQueriesFile, config.persistedQueriesOnly], ['/etc/portal/manifest.json', true]);
    assert.equal(errorFor({ PERSISTED_QUERIES_ONLY: 'true' }).variable, 'PERSISTED_QUERIES_ONLY');
    assert.equal(
      errorFor({ PERSISTED_QUERIES_FILE: '/etc/portal/manifest.json', PERSISTED_QUERIES_ONLY: 'always' }).variable,
      'PERSISTED_QUERIES_ONLY',
    );
  });

  it('reads JWT_MAX_TTL as a duration (24 h by default)', () => {
    assert.equal(loadConfig({}).jwt.maxTtlSeconds, 86_400);
    assert.equal(loadConfig({ JWT_MAX_TTL: '30m' }).jwt.maxTtlSeconds, 1800);
    assert.equal(loadConfig({ JWT_MAX_TTL: '7200' }).jwt.maxTtlSeconds, 7200);
    for (const bad of ['0', 'forever', '-1h', '1y'])
      assert.equal(errorFor({ JWT_MAX_TTL: bad }).variable, 'JWT_MAX_TTL');
  });

  it('reads PUBLIC_BASE_URL as an absolute http(s) URL without query or fragment (localhost and PORT by default)', () => {
    assert.equal(loadConfig({ PORT: '8080' }).publicBaseUrl, 'http://localhost:8080');
    assert.equal(
      loadConfig({ PUBLIC_BASE_URL: 'https://portal.example.com/api/' }).publicBaseUrl,
      'https://portal.example.com/api',
    );
    for (const bad of [
      'portal.example.com',
      'ftp://portal.example.com',
      'https://portal.example.com/?x=1',
      'https://portal.example.com/#top',
      'https://u:p@portal.example.com',
    ]) {
      assert.equal(errorFor({ PUBLIC_BASE_URL: bad }).variable, 'PUBLIC_BASE_URL', bad);
    }
  });

  it('serves the demo page by default only over the generated demo ODS, and never with a JWKS', () => {
    assert.equal(loadConfig({}).demoPage, true);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://db/portal' }).demoPage, false);
    assert.equal(loadConfig({ ODS_DATABASE_URL: 'postgres://db/ods' }).demoPage, false);
    assert.equal(loadConfig({ JWT_JWKS_URL: 'https://idp.example/jwks.json' }).demoPage, false);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://db/portal', DEMO_PAGE: 'true' }).demoPage, true);
    assert.equal(loadConfig({ DEMO_PAGE: 'false' }).demoPage, false);
    assert.equal(errorFor({ DEMO_PAGE: 'maybe' }).variable, 'DEMO_PAGE');
    assert.equal(errorFor({ DEMO_PAGE: 'true', JWT_JWKS_URL: 'https://idp.example/jwks.json' }).variable, 'DEMO_PAGE');
  });

  it('requires a token key in production', () => {
    assert.equal(errorFor({ NODE_ENV: 'production' }).variable, 'JWT_SECRET');
    const config = loadConfig({ NODE_ENV: 'production', JWT_JWKS_URL: 'https://idp.example/jwks.json' });
    assert.equal(config.jwt.jwksUrl, 'https://idp.example/jwks.json');
  });

  it('accepts external servers', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/portal', REDIS_URL: 'rediss://cache:6380' });
    assert.equal(config.databaseUrl, 'postgres://u:p@db:5432/portal');
    assert.equal(config.redisUrl, 'rediss://cache:6380');
  });

  it('takes a Redis Cluster by its nodes, with a {hash tag} in the queue prefix', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: 'redis-a.internal:7000, 10.0.0.2:7001,[::1]:7002' });
    assert.deepEqual(config.redisCluster, {
      nodes: [
        { host: 'redis-a.internal', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      tls: false,
    });
    // A URL entry says how to reach every node: the client reaches the nodes it learns with the same credentials.
    assert.deepEqual(
      loadConfig({ REDIS_CLUSTER_NODES: 'rediss://portal:s%3Acret@redis-a:7000,redis-b:7001,[::1]:7002' }).redisCluster,
      {
        nodes: [
          { host: 'redis-a', port: 7000 },
          { host: 'redis-b', port: 7001 },
          { host: '::1', port: 7002 },
        ],
        username: 'portal',
        password: 's:cret',
        tls: true,
      },
    );
    assert.equal(config.queuePrefix, '{usage-portal}', 'the default prefix gets a hash tag on a cluster');
    assert.equal(
      loadConfig({ REDIS_CLUSTER_NODES: 'r:7000', QUEUE_PREFIX: 'portal-{nightly}' }).queuePrefix,
      'portal-{nightly}',
    );
    assert.equal(loadConfig({}).queuePrefix, 'usage-portal');
  });

  it('refuses a cluster it cannot run on', () => {
    for (const nodes of [
      'redis-a',
      'redis-a:0',
      'redis-a:70000',
      'redis-a:7000,',
      'redis://redis-a',
      'redis://redis-a:7000/2',
      'http://redis-a:7000',
    ]) {
      assert.equal(errorFor({ REDIS_CLUSTER_NODES: nodes }).variable, 'REDIS_CLUSTER_NODES', nodes);
    }
    const mixed = errorFor({ REDIS_CLUSTER_NODES: 'redis://:first-secret@r1:7000,rediss://:second-secret@r2:7000' });
    assert.match(mixed.message, /differ in user, password or scheme/);
    assert.doesNotMatch(mixed.message, /secret/);
    assert.doesNotMatch(errorFor({ REDIS_CLUSTER_NODES: 'redis://:a-secret@r1:7000/0' }).message, /secret/);
    assert.match(
      errorFor({ REDIS_CLUSTER_NODES: 'r:7000', REDIS_URL: 'redis://r:6379' }).message,
      /^REDIS_CLUSTER_NODES: set either REDIS_URL .* not both/,
    );
    // Without a non-empty tag (Redis hashes from the first "{" to the next "}") a queue's keys spread over the slots.
    for (const prefix of ['usage-portal', 'usage-{}portal', 'usage-{portal', 'usage-}portal{']) {
      const error = errorFor({ REDIS_CLUSTER_NODES: 'r:7000', QUEUE_PREFIX: prefix });
      assert.equal(error.variable, 'QUEUE_PREFIX', prefix);
      assert.match(error.message, /no \{hash tag\}.*one hash slot/);
    }
  });
});
