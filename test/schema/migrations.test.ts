import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openSchemaDatabase, userTables, type SchemaDatabase } from './schema-database';

let schema: SchemaDatabase;
before(async () => {
  schema = await openSchemaDatabase();
});
after(async () => {
  await schema?.close();
});

const portalTables = [
  'customer',
  'customer_account',
  'import_batch',
  'interval_reading',
  'interval_revision',
  'meter',
  'meter_reading',
  'reading_type',
  'service_location',
  'usage_daily',
  'usage_monthly',
  'usage_point',
  'usage_summary',
  'usage_summary_line_item',
];

test('migrations apply to an empty database and agree with the entities', async () => {
  const { dataSource } = schema;
  assert.deepEqual(await userTables(dataSource), []);
  const applied = await dataSource.runMigrations();
  assert.ok(applied.length > 0);
  assert.deepEqual(await userTables(dataSource), [...portalTables, 'typeorm_migrations'].sort());

  // The equivalent of `typeorm migration:generate --check`: what synchronize would still do.
  const pending = await dataSource.driver.createSchemaBuilder().log();
  assert.deepEqual(
    pending.upQueries.map((q) => q.query),
    [],
  );

  const [{ partitioned }] = await dataSource.query(
    `SELECT count(*)::int AS partitioned FROM pg_partitioned_table WHERE partrelid = 'interval_reading'::regclass`,
  );
  assert.equal(partitioned, 1);
});

test('reverting every migration leaves only the typeorm_migrations table', async () => {
  const { dataSource } = schema;
  const applied = async (): Promise<number> =>
    (await dataSource.query(`SELECT count(*)::int AS n FROM typeorm_migrations`))[0].n;
  assert.ok((await applied()) > 0);
  while ((await applied()) > 0) await dataSource.undoLastMigration();
  assert.deepEqual(await userTables(dataSource), ['typeorm_migrations']);
});
