import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ALERT_SELECTS } from '../../src/services/alerts/records';
import { CUSTOMER_DIRECTORY_SELECTS } from '../../src/services/customers/records';
import { CHANGE_FEED_SELECTS } from '../../src/services/events/change-feed';
import { USAGE_UPDATE_SELECTS } from '../../src/services/events/usage-updates';
import { EXPORT_SELECTS } from '../../src/services/export/queries';
import { EXTRACT_RUN_SELECTS } from '../../src/services/extract/runs';
import { READING_COPY_SELECTS } from '../../src/services/import/reading-copy';
import { SUMMARY_SELECTS } from '../../src/services/import/summaries';
import { OPS_SELECTS } from '../../src/services/ops/records';
import { EVENT_SELECTS } from '../../src/services/webhooks/bodies';
import { WEBHOOK_SELECTS } from '../../src/services/webhooks/records';
import { READING_TYPE_SIGNATURE, readingTypeOfRow } from '../../src/services/reading-type-columns';
import { openSchemaDatabase, userTables, type SchemaDatabase } from './schema-database';

let schema: SchemaDatabase;
before(async () => {
  schema = await openSchemaDatabase();
});
after(async () => {
  await schema?.close();
});

const portalTables = [
  'alert',
  'alert_rule',
  'alert_watermark',
  'cim_message',
  'customer',
  'customer_account',
  'event_outbox',
  'extract_delivery',
  'extract_run',
  'extract_shard',
  'extract_watermark',
  'import_batch',
  'interval_block_digest',
  'interval_reading',
  'interval_revision',
  'meter',
  'meter_reading',
  'reading_type',
  'service_location',
  'tariff',
  'tariff_version',
  'usage_change',
  'usage_daily',
  'usage_monthly',
  'usage_point',
  'usage_summary',
  'usage_summary_line_item',
  'webhook_attempt',
  'webhook_delivery',
  'webhook_endpoint',
];

test('migrations apply to an empty database and agree with the entities', async () => {
  const { dataSource } = schema;
  assert.deepEqual(await userTables(dataSource), []);
  const applied = await dataSource.runMigrations();
  assert.ok(applied.length > 0);
  assert.deepEqual(await userTables(dataSource), [...portalTables, 'typeorm_migrations'].sort());

  // The equivalent of `typeorm migration:generate --check`: what synchronize would still do.
  const pending = await dataSource.driver.createSchemaBuilder().log();
  assert.equal(dataSource.entityMetadatas.length, portalTables.length);
  assert.deepEqual(
    pending.upQueries.map((q) => q.query),
    [],
  );

  const [{ partitioned }] = await dataSource.query(
    `SELECT count(*)::int AS partitioned FROM pg_partitioned_table WHERE partrelid = 'interval_reading'::regclass`,
  );
  assert.equal(partitioned, 1);
});

// What TypeORM's schema builder does not compare, checked in the catalog instead.
test('the migration keeps what the entities cannot express', async () => {
  const { dataSource } = schema;
  const [signature] = await dataSource.query(
    `SELECT i.indnullsnotdistinct AS "nullsNotDistinct", i.indnatts AS columns
       FROM pg_index i WHERE i.indexrelid = 'uq_reading_type_signature'::regclass`,
  );
  assert.deepEqual(signature, { nullsNotDistinct: true, columns: 21 });

  const identities: { column: string; identity: string }[] = await dataSource.query(
    `SELECT table_name || '.' || column_name AS column, identity_generation AS identity
       FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES' ORDER BY 1`,
  );
  assert.equal(identities.length, 21);
  assert.deepEqual(
    identities.filter((c) => c.identity !== 'ALWAYS'),
    [],
  );

  const [{ key }] = await dataSource.query(`SELECT pg_get_partkeydef('interval_reading'::regclass) AS key`);
  assert.equal(key, 'RANGE (start)');

  // The checksum is unique among loaded batches, except for forced reloads.
  const checksum = 'a'.repeat(64);
  const batch = (status: string, forced: boolean) =>
    dataSource.query(`INSERT INTO import_batch (source, checksum, status, forced) VALUES ('cli', $1, $2, $3)`, [
      checksum,
      status,
      forced,
    ]);
  await batch('loaded', false);
  await batch('rejected', false);
  await batch('loaded', true);
  await assert.rejects(batch('loaded', false), /uq_import_batch_checksum/);
  await assert.rejects(batch('done', false), /ck_import_batch_status/);
});

// The services' column lists come from the entities: each must name real columns of the migrated tables.
test('the column lists derived from the entities read the migrated tables', async () => {
  const { dataSource } = schema;
  const selects = [
    ...CUSTOMER_DIRECTORY_SELECTS,
    ...ALERT_SELECTS,
    ...EXTRACT_RUN_SELECTS,
    ...WEBHOOK_SELECTS,
    ...EVENT_SELECTS,
    ...CHANGE_FEED_SELECTS,
    ...USAGE_UPDATE_SELECTS,
    ...OPS_SELECTS,
    ...SUMMARY_SELECTS,
    ...READING_COPY_SELECTS,
    ...EXPORT_SELECTS,
  ];
  for (const { entity, columns } of selects) {
    const table = dataSource.getMetadata(entity).tableName;
    await assert.doesNotReject(
      dataSource.query(`SELECT ${columns} FROM ${table} t LIMIT 0`),
      `the SELECT list of ${table}`,
    );
  }

  const signature: { column: string }[] = await dataSource.query(
    `SELECT a.attname AS column FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indexrelid = 'uq_reading_type_signature'::regclass`,
  );
  assert.deepEqual(READING_TYPE_SIGNATURE.map(([column]) => column).sort(), signature.map((s) => s.column).sort());
  // Each signature column holds the ESPI field of its entity field's name: a row read back gives each value again.
  const row = Object.fromEntries(READING_TYPE_SIGNATURE.map(([column], i) => [column, i + 1]));
  const fields = readingTypeOfRow(row);
  assert.deepEqual(
    READING_TYPE_SIGNATURE.map(([column, valueOf]) => [column, valueOf(fields) ?? null]),
    READING_TYPE_SIGNATURE.map(([column]) => [column, column === 'aggregate' ? null : row[column]]),
  );
});

test('reverting every migration leaves only the typeorm_migrations table', async () => {
  const { dataSource } = schema;
  const applied = async (): Promise<number> =>
    (await dataSource.query(`SELECT count(*)::int AS n FROM typeorm_migrations`))[0].n;
  assert.ok((await applied()) > 0);
  while ((await applied()) > 0) await dataSource.undoLastMigration();
  assert.deepEqual(await userTables(dataSource), ['typeorm_migrations']);
});
